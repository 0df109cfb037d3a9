package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.LoadBalancerSettings.SimpleLB;
import io.inboard.core.model.Warmup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How {@code loadBalancer.warmup}, {@code warmupDurationSecs} and {@code outlierDetection.minHealthPercent} are read. */
class SlowStartAndPanicValidationTest {
  private static final String LB = "spec.trafficPolicy.loadBalancer";

  private static String lb(String loadBalancer) {
    return dr("host: r\ntrafficPolicy: {loadBalancer: " + loadBalancer + "}");
  }

  private static LoadBalancerSettings balancer(String yaml) {
    return ((DestinationRule) valid(yaml)).spec().trafficPolicy().loadBalancer();
  }

  @Test
  void warmupIsReadWithEnvoysDefaultsForWhatItLeavesOut() {
    String yaml = lb("{simple: ROUND_ROBIN, warmup: {duration: 60s}}");
    assertThat(warnings(yaml)).isEmpty();
    assertThat(balancer(yaml)).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.ROUND_ROBIN,
        new Warmup(Duration.ofSeconds(60), 10, 1)));
    assertThat(balancer(lb("{simple: LEAST_REQUEST, warmup: {duration: 1m, minimumPercent: 25.5, aggression: 2}}")))
        .isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST, new Warmup(Duration.ofMinutes(1), 25.5, 2)));
  }

  @Test
  void aWarmupWithoutAPolicyWarmsIstiosDefaultLeastRequest() {
    String yaml = lb("{warmup: {duration: 30s}}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(balancer(yaml)).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST,
        Warmup.of(Duration.ofSeconds(30))));
  }

  @Test
  void warmupDurationSecsIsReadAsAWarmupWithADeprecationWarning() {
    String yaml = lb("{simple: ROUND_ROBIN, warmupDurationSecs: 100s}");
    assertThat(balancer(yaml)).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.ROUND_ROBIN,
        Warmup.of(Duration.ofSeconds(100))));
    assertThat(warnings(yaml)).containsExactly(LB + ".warmupDurationSecs: is deprecated in Istio; write "
        + "warmup: {duration: 100s}");
  }

  @Test
  void warmupWinsOverWarmupDurationSecsAsInIstio() {
    String yaml = lb("{simple: ROUND_ROBIN, warmupDurationSecs: 100s, warmup: {duration: 5s}}");
    assertThat(((LoadBalancerSettings.Simple) balancer(yaml)).warmup().duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(warnings(yaml)).containsExactly(LB + ".warmupDurationSecs: is ignored: warmup is given too and wins, "
        + "as in Istio; remove warmupDurationSecs");
  }

  @Test
  void aWarmupUnderABalancerEnvoyDoesNotSlowStartIsWarnedAndDropped() {
    String random = lb("{simple: RANDOM, warmup: {duration: 60s}}");
    assertThat(balancer(random)).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.RANDOM));
    assertThat(warnings(random)).containsExactly(LB + ".warmup: is ignored under RANDOM: Envoy slow-starts only "
        + "ROUND_ROBIN and LEAST_REQUEST");
    String hash = lb("{consistentHash: {httpHeaderName: x-user}, warmupDurationSecs: 60s}");
    assertThat(balancer(hash)).isInstanceOf(LoadBalancerSettings.ConsistentHash.class);
    assertThat(warnings(hash)).contains(LB + ".warmupDurationSecs: is ignored under consistentHash: Envoy "
        + "slow-starts only ROUND_ROBIN and LEAST_REQUEST");
  }

  @Test
  void badWarmupValuesAreErrorsSayingWhatToWrite() {
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {minimumPercent: 5}}"))).containsExactly(
        LB + ".warmup.duration: is required, e.g. warmup: {duration: 60s}");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {duration: 60}}"))).containsExactly(
        LB + ".warmup.duration: must be a duration such as 1.5s, 250ms, 1m or 1h, not the number 60; add a unit, e.g. 60s");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {duration: -5s}}"))).singleElement().asString()
        .startsWith(LB + ".warmup.duration: ").contains("negative");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmupDurationSecs: 0s}"))).containsExactly(
        LB + ".warmupDurationSecs: '0s' is too short; use at least 1ms");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {duration: 1s, minimumPercent: 120, aggression: -0.5}}")))
        .containsExactly(
            LB + ".warmup.minimumPercent: 120 is not a percentage; use a number from 0 to 100 (the default is 10)",
            LB + ".warmup.aggression: -0.5 is not an aggression; use a positive number: 1 (linear, the default), "
                + "more (faster at first) or less (slower at first)");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {duration: 1s, minimumPercent: -1}}"))).containsExactly(
        LB + ".warmup.minimumPercent: -1 is not a percentage; use a number from 0 to 100 (the default is 10)");
    assertThat(errors(lb("{simple: ROUND_ROBIN, warmup: {duration: 1s, agression: 2}}"))).singleElement().asString()
        .startsWith(LB + ".warmup.agression: unknown field");
  }

  @Test
  void anAggressionBelowOneSlowsTheStartAndZeroIsReadAsOneAsEnvoyReadsIt() {
    assertThat(((LoadBalancerSettings.Simple) balancer(lb("{simple: ROUND_ROBIN, warmup: {duration: 1s, aggression: 0.5}}")))
        .warmup().aggression()).isEqualTo(0.5);
    String zero = lb("{simple: ROUND_ROBIN, warmup: {duration: 1s, aggression: 0}}");
    assertThat(((LoadBalancerSettings.Simple) balancer(zero)).warmup().aggression()).isEqualTo(1);
    assertThat(warnings(zero)).containsExactly(
        LB + ".warmup.aggression: 0 means 1 (linear), as Envoy reads it; write 1, or leave it out");
  }

  @Test
  void minHealthPercentIsReadAndDefaultsToIstiosZero() {
    DestinationRule none = valid(dr("host: r\ntrafficPolicy: {outlierDetection: {consecutive5xxErrors: 1}}"));
    assertThat(none.spec().trafficPolicy().outlierDetection().minHealthPercent()).isZero();
    String yaml = dr("host: r\ntrafficPolicy: {outlierDetection: {minHealthPercent: 50}}");
    assertThat(warnings(yaml)).isEmpty();
    assertThat(((DestinationRule) valid(yaml)).spec().trafficPolicy().outlierDetection().minHealthPercent())
        .isEqualTo(50);
  }

  @Test
  void minHealthPercentOutOfRangeOrNotAWholeNumberIsAnError() {
    String od = "spec.trafficPolicy.outlierDetection.minHealthPercent: ";
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {minHealthPercent: -1}}")))
        .containsExactly(od + "-1 is out of range; use 0..100");
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {minHealthPercent: 101}}")))
        .containsExactly(od + "101 is out of range; use 0..100");
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {minHealthPercent: 12.5}}")))
        .containsExactly(od + "must be a whole number, not the number 12.5");
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {minHealthPercent: \"50\"}}")))
        .containsExactly(od + "must be a number, not a string; remove the quotes: 50");
  }
}
