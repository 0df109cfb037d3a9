package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast matcher must agree with RE2/J on every pattern it accepts. */
class SimpleRegexTest {
  private static final String[] ATOMS = {
      "a", "b", "-", "\\.", "\\-", ".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "[a-c]", "[^a]", "[ab-]",
      "[0-9a-f]", "[\\d.]", "é", "[^\\s]", "[a-zA-Z_]",
      "[\\.-9]", "[\\--a]", "[\\d-]"};
  private static final String[] QUANTIFIERS = {"", "", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "{0,2}"};
  private static final String ALPHABET = "ab-.0 9_é\nZ";

  @Test
  void agreesWithRe2OnRandomPatternsAndValues() {
    SplittableRandom random = new SplittableRandom(2024);
    int compared = 0;
    int matched = 0;
    for (int p = 0; p < 3000; p++) {
      StringBuilder regex = new StringBuilder();
      int atoms = 1 + random.nextInt(5);
      for (int a = 0; a < atoms; a++) {
        regex.append(ATOMS[random.nextInt(ATOMS.length)]).append(QUANTIFIERS[random.nextInt(QUANTIFIERS.length)]);
      }
      SimpleRegex simple = SimpleRegex.compile(regex.toString());
      assertThat(simple).as("simple form: %s", regex).isNotNull();
      Pattern re2 = Pattern.compile(regex.toString());
      for (int v = 0; v < 30; v++) {
        StringBuilder value = new StringBuilder();
        int len = random.nextInt(8);
        for (int i = 0; i < len; i++) {
          value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        boolean expected = re2.matches(value.toString());
        assertThat(simple.matches(value.toString())).as("%s on \"%s\"", regex, value).isEqualTo(expected);
        compared++;
        matched += expected ? 1 : 0;
      }
    }
    assertThat(compared).isEqualTo(90_000);
    // Both verdicts must be well represented, or the comparison proves little.
    assertThat(matched).isBetween(5_000, 85_000);
  }

  @Test
  void agreesOnTheUsualHeaderPatterns() {
    String[][] cases = {
        {"v[0-9]+\\.[0-9]+", "v1.2", "v1.2-beta", "v.2"},
        {"rule-7-[a-z]+", "rule-7-abc", "rule-7-", "rule-77-a"},
        {"[a-z]{3}", "xyz", "xyzw", "xy"},
        {"user-\\d{1,4}", "user-1", "user-12345", "user-"},
        {"", "", "a", " "}};
    for (String[] c : cases) {
      Pattern re2 = Pattern.compile(c[0]);
      SimpleRegex simple = SimpleRegex.compile(c[0]);
      for (int i = 1; i < c.length; i++) {
        assertThat(simple.matches(c[i])).as("%s on %s", c[0], c[i]).isEqualTo(re2.matches(c[i]));
      }
    }
  }

  @Test
  void anEscapedCharacterCanStartARangeAsInRe2() {
    // RE2 reads [\.-9] as the range '.'..'9' (so '/' and the digits, not '-'), and [\d-z] as
    // digits, '-' and 'z': a class escape cannot start a range.
    String[] patterns = {"[\\.-9]", "[\\--9]", "[a\\.-9]", "[\\.-]", "[\\d-z]", "[\\.-9a-c]", "[^\\.-9]"};
    String[] values = {".", "/", "0", "9", "-", ":", "a", "c", "z", "5"};
    for (String p : patterns) {
      Pattern re2 = Pattern.compile(p);
      SimpleRegex simple = SimpleRegex.compile(p);
      assertThat(simple).as("simple form: %s", p).isNotNull();
      for (String v : values) {
        assertThat(simple.matches(v)).as("%s on %s", p, v).isEqualTo(re2.matches(v));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a|b", "(ab)+", "^a", "a$", "(?i)a", "a*?", "\\bword", "[[:alpha:]]", "\\pL", "a{,3}",
      "a{20}", "[]a]", "\\n", "x{2}{3}", "[^]a]"})
  void leavesEverythingElseToRe2(String regex) {
    assertThat(SimpleRegex.compile(regex)).isNull();
  }

  @Test
  void textWithSurrogatesGoesToRe2() {
    assertThat(SimpleRegex.compile(".").matches("\uD83D\uDE00")).isNull();
    assertThat(ValueMatcher.of(io.inboard.core.model.StringMatch.regex("."), false).matches("\uD83D\uDE00")).isTrue();
  }
}
