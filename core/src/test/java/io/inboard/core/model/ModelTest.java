package io.inboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {

  private static HTTPMatchRequest match(Map<String, StringMatch> headers) {
    return new HTTPMatchRequest(null, null, null, null, null, headers, null, null, false, null,
        null, null, 0);
  }

  @Test
  void headerNamesInMatchesAreLowerCased() {
    HTTPMatchRequest m = match(Map.of("X-User", StringMatch.exact("Alice")));
    assertThat(m.headers()).containsOnlyKeys("x-user");
    assertThat(m.headers().get("x-user")).isEqualTo(StringMatch.exact("Alice"));
  }

  @Test
  void collectionsAreCopiedAndNullsBecomeEmpty() {
    List<String> hosts = new ArrayList<>(List.of("a"));
    VirtualServiceSpec spec = new VirtualServiceSpec(hosts, null, null);
    hosts.add("b");
    assertThat(spec.hosts()).containsExactly("a");
    assertThat(spec.gateways()).isEmpty();
    assertThat(spec.http()).isEmpty();
    assertThatThrownBy(() -> spec.hosts().add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void catchAllRules() {
    HTTPRoute noMatch = new HTTPRoute(null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null);
    HTTPRoute emptyBlock = new HTTPRoute(null, List.of(match(null)), null, null, null, null, null,
        null, null, null, null, null, null, null, null);
    HTTPRoute header = new HTTPRoute(null, List.of(match(Map.of("a", StringMatch.present()))),
        null, null, null, null, null, null, null, null, null, null, null, null, null);
    assertThat(noMatch.isCatchAll()).isTrue();
    assertThat(emptyBlock.isCatchAll()).isTrue();
    assertThat(header.isCatchAll()).isFalse();
    assertThat(noMatch.headers()).isEqualTo(Headers.NONE);
    assertThat(noMatch.mirrors()).isEmpty();
  }

  @Test
  void subsetPolicyReplacesTopLevelPartsAsWholeObjects() {
    OutlierDetection strict = new OutlierDetection(1, 0, Duration.ofSeconds(1), Duration.ofSeconds(5), 50);
    TrafficPolicy top = new TrafficPolicy(
        new LoadBalancerSettings.Simple(LoadBalancerSettings.SimpleLB.RANDOM), null, strict);
    LoadBalancerSettings hash = new LoadBalancerSettings.ConsistentHash(
        new HashKey.UseSourceIp(), null);
    DestinationRuleSpec spec = new DestinationRuleSpec("user", top, List.of(
        new Subset("v1", Map.of("version", "v1"), null),
        new Subset("v2", Map.of("version", "v2"), new TrafficPolicy(hash, null, null))));
    assertThat(spec.policyFor("v1")).isEqualTo(top);
    assertThat(spec.policyFor("v2").loadBalancer()).isEqualTo(hash);
    assertThat(spec.policyFor("v2").outlierDetection()).isEqualTo(strict);
    assertThat(spec.policyFor("unknown")).isEqualTo(top);
    assertThat(((LoadBalancerSettings.ConsistentHash) hash).algorithm())
        .isEqualTo(new HashAlgorithm.RingHash(1024));
  }

  @Test
  void outlierDetectionDefaultsAreIstios() {
    assertThat(OutlierDetection.DEFAULTS.consecutive5xxErrors()).isEqualTo(5);
    assertThat(OutlierDetection.DEFAULTS.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(OutlierDetection.DEFAULTS.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(OutlierDetection.DEFAULTS.maxEjectionPercent()).isEqualTo(10);
  }
}
