package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.HashAlgorithm;
import io.inboard.core.model.HashKey;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.LoadBalancerSettings.SimpleLB;
import io.inboard.core.model.PortTrafficPolicy;
import io.inboard.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;

/** {@code trafficPolicy.portLevelSettings}, top-level and in subsets. */
class PortLevelSettingsValidationTest {

  private static String ports(String entries) {
    return dr("host: reviews\ntrafficPolicy:\n  loadBalancer: {simple: ROUND_ROBIN}\n  portLevelSettings:\n"
        + entries.indent(2));
  }

  @Test
  void readsEntriesAndMergesThemAsIstioDoes() {
    DestinationRule dr = valid(dr("""
        host: reviews
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 3}
          portLevelSettings:
          - port: {number: 9080}
            loadBalancer: {consistentHash: {httpHeaderName: x-user}}
            connectionPool: {http: {http2MaxRequests: 10}}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            loadBalancer: {simple: RANDOM}
            portLevelSettings:
            - port: {number: 9443}
              outlierDetection: {consecutive5xxErrors: 7}
        """));
    TrafficPolicy top = dr.spec().trafficPolicy();
    PortTrafficPolicy p9080 = top.portLevel(9080);
    assertThat(p9080.loadBalancer()).isEqualTo(new LoadBalancerSettings.ConsistentHash(
        new HashKey.HttpHeaderName("x-user"), new HashAlgorithm.RingHash(1024)));
    assertThat(top.portLevel(80)).isNull();
    // Top-level port 9080: its balancer and pool, the top-level outlier detection.
    TrafficPolicy at9080 = TrafficPolicy.merged(top, null, 9080);
    assertThat(at9080.loadBalancer()).isEqualTo(p9080.loadBalancer());
    assertThat(at9080.connectionPool().maxRequests()).isEqualTo(10);
    assertThat(at9080.outlierDetection().consecutive5xxErrors()).isEqualTo(3);
    // The subset's balancer beats the top-level port-level one; the port-level pool stays.
    TrafficPolicy v1 = dr.spec().subsets().get(0).trafficPolicy();
    TrafficPolicy v1At9080 = TrafficPolicy.merged(top, v1, 9080);
    assertThat(v1At9080.loadBalancer()).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.RANDOM));
    assertThat(v1At9080.connectionPool().maxRequests()).isEqualTo(10);
    // The subset's port-level entry beats everything for its port, part by part.
    TrafficPolicy v1At9443 = TrafficPolicy.merged(top, v1, 9443);
    assertThat(v1At9443.outlierDetection().consecutive5xxErrors()).isEqualTo(7);
    assertThat(v1At9443.loadBalancer()).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.RANDOM));
    assertThat(v1At9443.connectionPool()).isNull();
  }

  @Test
  void portIsRequired() {
    assertThat(errors(ports("- loadBalancer: {simple: RANDOM}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].port: is required: the port these settings apply to, e.g. "
            + "port: {number: 9080}");
    assertThat(errors(ports("- port: {}\n  loadBalancer: {simple: RANDOM}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].port.number: is required, e.g. port: {number: 9080}");
  }

  @Test
  void portNumberIsInRange() {
    assertThat(errors(ports("- port: {number: 0}\n  loadBalancer: {simple: RANDOM}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].port.number: 0 is out of range; use 1..65535");
    assertThat(errors(ports("- port: {number: 65536}\n  loadBalancer: {simple: RANDOM}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].port.number: 65536 is out of range; use 1..65535");
  }

  @Test
  void aBareNumberSaysHowToWriteTheSelector() {
    assertThat(errors(ports("- port: 9080\n  loadBalancer: {simple: RANDOM}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].port: must be a port selector, not a number: write "
            + "port: {number: 9080}");
  }

  @Test
  void duplicatePortsAreAnError() {
    String yaml = dr("""
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            portLevelSettings:
            - port: {number: 9080}
              loadBalancer: {simple: RANDOM}
            - port: {number: 9080}
              loadBalancer: {simple: ROUND_ROBIN}
        """);
    assertThat(errors(yaml)).containsExactly(
        "spec.subsets[0].trafficPolicy.portLevelSettings[1].port.number: port 9080 already has an entry in "
            + "portLevelSettings; give each port one entry (merge the two)");
  }

  @Test
  void unknownFieldsAreErrorsAndTlsIsRead() {
    assertThat(errors(ports("- port: {number: 9080, name: http}\n  loadBalancer: {simple: RANDOM}")))
        .singleElement().asString()
        .isEqualTo("spec.trafficPolicy.portLevelSettings[0].port.name: unknown field; known fields here are number");
    assertThat(errors(ports("- port: {number: 9080}\n  portLevelSettings: []")))
        .singleElement().asString()
        .startsWith("spec.trafficPolicy.portLevelSettings[0].portLevelSettings: unknown field; ");
    String tls = ports("- port: {number: 9080}\n  tls: {mode: SIMPLE}");
    assertThat(errors(tls)).isEmpty();
    assertThat(((DestinationRule) valid(tls)).spec().trafficPolicy().portLevel(9080).tls().mode()).isEqualTo("SIMPLE");
  }

  @Test
  void anEntryThatSetsNothingIsWarned() {
    String yaml = ports("- port: {number: 9080}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.portLevelSettings[0]: sets nothing for port "
        + "9080; give loadBalancer, connectionPool, outlierDetection or tls, or remove the entry");
  }

  @Test
  void theEntriesPartsAreValidatedAsTheTopLevelOnes() {
    assertThat(errors(ports("- port: {number: 9080}\n  loadBalancer: {simple: FASTEST}"))).containsExactly(
        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.simple: 'FASTEST' is not a load balancer; use "
            + "ROUND_ROBIN, RANDOM, LEAST_REQUEST or PASSTHROUGH");
  }
}
