package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.StringMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueMatcherTest {
  @ParameterizedTest(name = "{0} starts with ''{1}''")
  @CsvSource(delimiter = ' ', value = {
      "rule-7-[a-z]+ rule-7-",
      "abc abc",
      "abc* ab",
      "abc? ab",
      "ab{2} a",
      "a|b ''",
      "(a|b)c ''",
      "x(a|b) x",
      "(?i)abc ''",
      "v[0-9]+ v",
      "\\d+ ''",
      ".* ''",
      "^abc ''"})
  void literalPrefixIsWhatEveryFullMatchStartsWith(String regex, String prefix) {
    assertThat(ValueMatcher.literalPrefix(regex)).isEqualTo(prefix);
  }

  @Test
  void aRegexBeyondIstiosLimitsIsNotCompiled() {
    // Validation refuses it; a regex that did not come through validation is refused here too,
    // rather than RE2/J building a billion copies.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () ->
        org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ValueMatcher.of(StringMatch.regex("((a{1000}){1000}){1000}"), false))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("more than 1000 copies"));
  }

  @Test
  void regexMatchesTheWholeValueOnly() {
    ValueMatcher m = ValueMatcher.of(StringMatch.regex("v[0-9]+\\.[0-9]+"), false);
    assertThat(m.matches("v1.2")).isTrue();
    assertThat(m.matches("v1.2-beta")).isFalse();
    assertThat(m.matches("xv1.2")).isFalse();
    assertThat(m.matches(null)).isFalse();
  }

  @Test
  void alternationStillMatchesEitherSide() {
    ValueMatcher m = ValueMatcher.of(StringMatch.regex("abc|xyz"), false);
    assertThat(m.matches("abc")).isTrue();
    assertThat(m.matches("xyz")).isTrue();
  }

  @Test
  void ignoreCaseAppliesToExactAndPrefix() {
    assertThat(ValueMatcher.of(StringMatch.exact("/Login"), true).matches("/LOGIN")).isTrue();
    assertThat(ValueMatcher.of(StringMatch.prefix("/Api"), true).matches("/api/x")).isTrue();
    assertThat(ValueMatcher.of(StringMatch.prefix("/Api"), false).matches("/api/x")).isFalse();
  }

  @Test
  void presentMatchesAnyValueButNotAbsence() {
    ValueMatcher m = ValueMatcher.of(StringMatch.present(), false);
    assertThat(m.matches("")).isTrue();
    assertThat(m.matches(null)).isFalse();
    assertThat(m.description).isEqualTo("present");
  }
}
