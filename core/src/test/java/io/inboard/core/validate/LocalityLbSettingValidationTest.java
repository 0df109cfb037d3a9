package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.LoadBalancerSettings.SimpleLB;
import io.inboard.core.model.LocalityLbSetting;
import io.inboard.core.model.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code loadBalancer.localityLbSetting}, read and checked with Istio's rules. */
class LocalityLbSettingValidationTest {
  private static final String OUTLIERS = "  outlierDetection: {consecutive5xxErrors: 5}\n";

  private static String policy(String loadBalancer) {
    return dr("host: reviews\ntrafficPolicy:\n  loadBalancer: " + loadBalancer + "\n" + OUTLIERS);
  }

  private static LoadBalancerSettings balancer(String yaml) {
    return ((DestinationRule) valid(yaml)).spec().trafficPolicy().loadBalancer();
  }

  @Test
  void readsFailoverAndFailoverPriorityAndKeepsTheBalancer() {
    LoadBalancerSettings lb = balancer(policy("""
        {simple: ROUND_ROBIN, localityLbSetting: {failover: [{from: us-east, to: eu-west}], \
        failoverPriority: [topology.istio.io/network, "topology.kubernetes.io/region=us-east"]}}"""));
    assertThat(lb).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.ROUND_ROBIN, null, new LocalityLbSetting(true,
        List.of(), List.of(new LocalityLbSetting.Failover("us-east", "eu-west")),
        List.of("topology.istio.io/network", "topology.kubernetes.io/region=us-east"))));
  }

  @Test
  void aLocalitySettingAloneKeepsIstiosDefaultBalancer() {
    LoadBalancerSettings lb = balancer(policy("{localityLbSetting: {enabled: false}}"));
    assertThat(lb).isInstanceOf(LoadBalancerSettings.Simple.class);
    assertThat(((LoadBalancerSettings.Simple) lb).policy()).isEqualTo(SimpleLB.LEAST_REQUEST);
    assertThat(lb.locality().enabled()).isFalse();
  }

  @Test
  void readsDistributeKeepingTheOrderOfTheTargets() {
    LoadBalancerSettings lb = balancer(policy("""
        {consistentHash: {httpHeaderName: x-user}, localityLbSetting: {distribute: [{from: us-west/zone1/*, \
        to: {us-west/zone1/*: 80, us-west/zone2/*: 20}}]}}"""));
    assertThat(lb).isInstanceOf(LoadBalancerSettings.ConsistentHash.class);
    LocalityLbSetting.Distribute d = lb.locality().distribute().get(0);
    assertThat(d.from()).isEqualTo("us-west/zone1/*");
    assertThat(d.to()).containsExactly(Map.entry("us-west/zone1/*", 80), Map.entry("us-west/zone2/*", 20));
  }

  @Test
  void distributeWeightsMustSumTo100() {
    assertThat(errors(policy("{localityLbSetting: {distribute: [{from: '*', to: {us-west: 60, us-east: 30}}]}}")))
        .containsExactly("spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: weights sum to 90; "
            + "they must sum to 100 (the percent of traffic each locality gets)");
  }

  @Test
  void distributeAndFailoverTogetherAreRefused() {
    assertThat(errors(policy("{localityLbSetting: {distribute: [{from: '*', to: {us-west: 100}}], "
        + "failover: [{from: us-east, to: us-west}]}}")))
        .containsExactly("spec.trafficPolicy.loadBalancer.localityLbSetting: has distribute and failover; Istio "
            + "allows only one of them: keep distribute to split traffic by locality, or failover to prefer the "
            + "caller's own locality");
  }

  @Test
  void distributeWithFailoverPriorityWarnsThatItIsIgnored() {
    String yaml = policy("{localityLbSetting: {distribute: [{from: '*', to: {us-west: 100}}], "
        + "failoverPriority: [topology.istio.io/network]}}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority: "
        + "is ignored while distribute is given, as in Istio; remove one of them");
  }

  @Test
  void badLocalitiesAndRegionsAreNamedWithTheirPaths() {
    assertThat(errors(policy("{localityLbSetting: {distribute: [{from: 'us-west/*/sz', to: {'a/b/c/d': 100}}]}}")))
        .containsExactly(
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].from: locality us-west/*/sz: '*' may "
                + "only be the whole last part, e.g. us-west/* or us-west/zone1/*",
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to[\"a/b/c/d\"]: locality a/b/c/d has "
                + "more than three parts; write region/zone/subzone, e.g. us-west/zone1/*");
    assertThat(errors(policy("{localityLbSetting: {failover: [{from: us-east, to: us-east}, {from: us/east, to: x}]}}")))
        .containsExactly(
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]: from and to are both us-east; failover "
                + "goes to another region",
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[1].from: must be a region, without '/' or "
                + "'*' (failover moves between regions), not us/east");
  }

  @Test
  void failoverWithoutOutlierDetectionIsWarnedAsIstioDoes() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.loadBalancer.localityLbSetting: failover takes "
        + "effect only with outlierDetection (it finds the unhealthy instances that make traffic leave a locality), "
        + "as in Istio; add trafficPolicy.outlierDetection, e.g. {consecutive5xxErrors: 5}");
  }

  @Test
  void aSubsetsFailoverUsesTheTopLevelOutlierDetection() {
    String yaml = dr("""
        host: reviews
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 5}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            loadBalancer: {localityLbSetting: {failoverPriority: [topology.istio.io/network]}}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void aFailoverPriorityLabelIsListedOnce() {
    assertThat(errors(policy("{localityLbSetting: {failoverPriority: [zone, 'zone=a']}}")))
        .containsExactly("spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority[1]: label zone is "
            + "already listed; give each label once");
  }

  @Test
  void retryRemoteLocalitiesIsReadWithoutAWarning() {
    String yaml = Docs.vs("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 3, retryRemoteLocalities: true}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).isEmpty();
    VirtualService vs = valid(yaml);
    assertThat(vs.spec().http().get(0).retries().retryRemoteLocalities()).isTrue();
  }
}
