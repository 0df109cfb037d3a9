package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The small readers of request parts: authority, query string, cookies, described requests. */
class RequestPartsTest {
  @Test
  void authorityHostDropsThePortAndLowerCases() {
    assertThat(Authority.host("user")).isEqualTo("user");
    assertThat(Authority.host("User.NS:8080")).isEqualTo("user.ns");
    assertThat(Authority.host("[::1]:80")).isEqualTo("[::1]");
    assertThat(Authority.host("::1")).isEqualTo("::1");
    assertThat(Authority.host(null)).isEmpty();
  }

  /** As the rules keep their hosts: a dotted name loses its final dot, a single label keeps it. */
  @Test
  void authorityHostDropsTheFinalDotOfADottedName() {
    assertThat(Authority.host("user.example.com.")).isEqualTo("user.example.com");
    assertThat(Authority.host("User.Example.com.:8080")).isEqualTo("user.example.com");
    assertThat(Authority.host("reviews.")).isEqualTo("reviews.");
    assertThat(Authority.host(".")).isEqualTo(".");
  }

  @Test
  void authorityPortDefaultsByScheme() {
    assertThat(Authority.port("user:8080", "http")).isEqualTo(8080);
    assertThat(Authority.port("user", "http")).isEqualTo(80);
    assertThat(Authority.port("user", "https")).isEqualTo(443);
    assertThat(Authority.port("[::1]:9", "http")).isEqualTo(9);
    assertThat(Authority.port("user:x", "http")).isEqualTo(-1);
  }

  @Test
  void queryStringFindsTheFirstWholeName() {
    assertThat(QueryString.first("a=1&b=2&a=3", "a")).isEqualTo("1");
    assertThat(QueryString.first("ab=1&b=2", "b")).isEqualTo("2");
    assertThat(QueryString.first("flag&x=1", "flag")).isEmpty();
    assertThat(QueryString.first("x=1", "y")).isNull();
    assertThat(QueryString.first(null, "y")).isNull();
    assertThat(QueryString.first("x=", "x")).isEmpty();
  }

  @Test
  void cookieHeaderIsSplitOnSemicolons() {
    assertThat(HashKeys.cookie("a=1; session=abc; b=2", "session")).isEqualTo("abc");
    assertThat(HashKeys.cookie("session=\"quoted\"", "session")).isEqualTo("quoted");
    assertThat(HashKeys.cookie("xsession=1", "session")).isNull();
    assertThat(HashKeys.cookie(null, "session")).isNull();
  }

  @Test
  void describedRequestSplitsTheUrl() {
    DescribedRequest r = DescribedRequest.of("get", "HTTP://user:8080/a/b?x=1&y=2").withHeader("My-Header", "v");
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.scheme()).isEqualTo("http");
    assertThat(r.authority()).isEqualTo("user:8080");
    assertThat(r.path()).isEqualTo("/a/b");
    assertThat(r.query()).isEqualTo("x=1&y=2");
    assertThat(r.header("my-header")).isEqualTo("v");
    assertThat(r.header("MY-HEADER")).isEqualTo("v");
    assertThat(DescribedRequest.of("GET", "http://user").path()).isEqualTo("/");
  }

  @Test
  void describedRequestRefusesRelativeUrls() {
    assertThatThrownBy(() -> DescribedRequest.of("GET", "/user")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> DescribedRequest.of("GET", "ftp://user/")).hasMessageContaining("http or https");
    assertThatThrownBy(() -> DescribedRequest.of("GET", "http://us er/")).hasMessageContaining("not valid");
  }

  @Test
  void hostNamesResolveShortNamesAgainstTheNamespace() {
    assertThat(HostNames.resolve("user", "ns")).isEqualTo("user.ns.svc.cluster.local");
    assertThat(HostNames.resolve("User.Example.com", "ns")).isEqualTo("user.example.com");
    assertThat(HostNames.resolve("*.example.com", "ns")).isEqualTo("*.example.com");
    assertThat(HostNames.gateway("gw", "ns")).isEqualTo("ns/gw");
    assertThat(HostNames.gateway("other/gw", "ns")).isEqualTo("other/gw");
    assertThat(HostNames.gateway("mesh", "ns")).isEqualTo("mesh");
  }
}
