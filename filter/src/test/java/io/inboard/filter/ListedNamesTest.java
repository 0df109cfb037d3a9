package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListedNamesTest {
  private static final Set<String> PROPAGATED =
      Set.of("x-request-id", "x-b3-traceid", "x-b3-sampled", "traceparent", "my-header", "end-user", "b3");

  @Test
  void aListedNameIsFoundInAnyCaseAndGivenBackAsListed() {
    InboardFilter.Listed listed = InboardFilter.Listed.of(PROPAGATED);

    assertThat(listed.find("X-Request-ID")).isEqualTo("x-request-id");
    assertThat(listed.find("x-b3-traceid")).isEqualTo("x-b3-traceid");
    assertThat(listed.find("X-B3-SAMPLED")).isEqualTo("x-b3-sampled");
    assertThat(listed.find("B3")).isEqualTo("b3");
    assertThat(listed.find("My-Header")).isEqualTo("my-header");
  }

  @Test
  void otherNamesAreNotFoundEvenWhenTheyShareALengthOrAPrefix() {
    InboardFilter.Listed listed = InboardFilter.Listed.of(PROPAGATED);

    assertThat(listed.find("Host")).isNull();
    assertThat(listed.find("User-Agent")).isNull();
    assertThat(listed.find("x-request-ie")).isNull();
    assertThat(listed.find("x-b3-spanid")).isNull();
    assertThat(listed.find("b")).isNull();
    assertThat(listed.find("")).isNull();
  }

  @Test
  void everyNameOfALargeSetIsFoundAndNothingElse() {
    Set<String> many = new LinkedHashSet<>();
    for (int i = 0; i < 300; i++) {
      many.add("header-" + i);
    }
    InboardFilter.Listed listed = InboardFilter.Listed.of(many);

    for (int i = 0; i < 300; i++) {
      assertThat(listed.find("HEADER-" + i)).isEqualTo("header-" + i);
      assertThat(listed.find("header-" + (i + 300))).isNull();
    }
  }

  @Test
  void anEmptySetFindsNothing() {
    assertThat(InboardFilter.Listed.of(Set.of()).find("x-request-id")).isNull();
  }
}
