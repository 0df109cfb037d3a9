package io.inboard.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostsTest {

  @ParameterizedTest
  @ValueSource(strings = {"user", "user.shop", "user.shop.svc.cluster.local", "api.example.com",
      "*.example.com", "10.0.0.1", "a-b.c-d.io", "x1.example.com", "a.b.",
      "user.shop.svc.cluster.local.", "*.example.com.", "user."})
  void validServiceHosts(String host) {
    assertThat(Hosts.problem(host, true)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-user", "user-", "a..b", "a.b..", ".", "*.", "ex*.com", "a.123",
      "http://a.com", "a.com/x", "a.com:80", "under_score.com", "*a.com"})
  void invalidServiceHosts(String host) {
    assertThat(Hosts.problem(host, true)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "a.com", "*.a.com", "ns/a.com", "./a.com", "*/a.com", "ns/*"})
  void validGatewayServerHosts(String host) {
    assertThat(Hosts.gatewayServerHostProblem(host)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", "/a.com", "ns/", "NS!/a.com", "ns/a..com"})
  void invalidGatewayServerHosts(String host) {
    assertThat(Hosts.gatewayServerHostProblem(host)).isNotNull();
  }

  @org.junit.jupiter.api.Test
  void aTrailingDotIsDroppedFromADottedName() {
    assertThat(Hosts.withoutTrailingDot("api.example.com.")).isEqualTo("api.example.com");
    assertThat(Hosts.withoutTrailingDot("*.example.com.")).isEqualTo("*.example.com");
    assertThat(Hosts.withoutTrailingDot("api.example.com")).isEqualTo("api.example.com");
    // An absolute single label is not a short name: it stays as written.
    assertThat(Hosts.withoutTrailingDot("reviews.")).isEqualTo("reviews.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "*.example.com"})
  void wildcardsAreNotDestinations(String host) {
    assertThat(Hosts.problem(host, false)).contains("a destination must name one service");
  }
}
