package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.TcpKeepalive;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionPoolValidationTest {
  private static final long U = ConnectionPoolSettings.UNLIMITED;

  private static ConnectionPoolSettings pool(String yaml) {
    DestinationRule dr = valid(dr(yaml));
    return dr.spec().trafficPolicy().connectionPool();
  }

  @Test
  void limitsAreReadAndTheRestIsUnlimitedAsIstiosDefaults() {
    String yaml = """
        host: r
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: 2, connectTimeout: 250ms}
            http: {http1MaxPendingRequests: 1, maxRetries: 3}
        """;
    assertThat(warnings(dr(yaml))).isEmpty();
    ConnectionPoolSettings p = pool(yaml);
    assertThat(p).isEqualTo(new ConnectionPoolSettings(2, Duration.ofMillis(250), 1, U, 3));
    assertThat(p.maxRequests()).isEqualTo(3);
  }

  @Test
  void requestsInFlightAreTheLeastOfMaxRequestsAndConnectionsPlusPending() {
    assertThat(new ConnectionPoolSettings(10, null, 5, 4, U).maxRequests()).isEqualTo(4);
    assertThat(new ConnectionPoolSettings(1, null, 1, 100, U).maxRequests()).isEqualTo(2);
    assertThat(new ConnectionPoolSettings(U, null, U, 7, U).maxRequests()).isEqualTo(7);
    // Connections alone: Envoy would queue the rest without a limit.
    assertThat(new ConnectionPoolSettings(1, null, U, U, U).limitsRequests()).isFalse();
    assertThat(ConnectionPoolSettings.NONE.appliesAnything()).isFalse();
  }

  @Test
  void negativeAndTooLargeLimitsAreErrors() {
    assertThat(errors(dr("""
        host: r
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: -1}
            http: {http2MaxRequests: 3000000000, maxRetries: "2", http1MaxPendingRequests: 1.5}
        """))).containsExactlyInAnyOrder(
        "spec.trafficPolicy.connectionPool.tcp.maxConnections: -1 is too small; use 0 or more",
        "spec.trafficPolicy.connectionPool.http.http2MaxRequests: 3000000000 is too large; Istio's limits "
            + "are 32-bit numbers, at most 2147483647",
        "spec.trafficPolicy.connectionPool.http.maxRetries: must be a number, not a string; remove the "
            + "quotes: 2",
        "spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: must be a whole number, not the "
            + "number 1.5");
  }

  @Test
  void zeroMeansUnlimitedAsInIstioWithAWarning() {
    String yaml = "host: r\ntrafficPolicy: {connectionPool: {http: {http2MaxRequests: 0, maxRetries: 1}}}";
    assertThat(pool(yaml).http2MaxRequests()).isEqualTo(U);
    assertThat(warnings(dr(yaml))).containsExactly("spec.trafficPolicy.connectionPool.http.http2MaxRequests: "
        + "0 means no limit (Istio's default, 2^32-1), as in Istio; remove it, or give a limit of 1 or more");
  }

  @Test
  void anEmptyBlockIsAnError() {
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {}}"))).containsExactly(
        "spec.trafficPolicy.connectionPool: is empty; give tcp (e.g. {maxConnections: 100}) or http (e.g. "
            + "{http2MaxRequests: 100})");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: 5}}"))).containsExactly(
        "spec.trafficPolicy.connectionPool.tcp: must be a mapping of fields, not the number 5");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {maxRetry: 1}}}")))
        .hasSize(1).allMatch(e -> e.startsWith("spec.trafficPolicy.connectionPool.http.maxRetry: unknown field"));
  }

  @Test
  void connectTimeoutIsAnIstioDuration() {
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {connectTimeout: 0s}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.tcp.connectTimeout: '0s' is too short; use at least 1ms");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {connectTimeout: 5}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.tcp.connectTimeout: must be a duration such as "
            + "1.5s, 250ms, 1m or 1h, not the number 5; add a unit, e.g. 5s");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {connectTimeout: 1500us}}}")))
        .hasSize(1);
  }

  @Test
  void maxConnectionsAloneBoundsNothingAndSaysSo() {
    String yaml = "host: r\ntrafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}";
    assertThat(pool(yaml).appliesAnything()).isFalse();
    assertThat(warnings(dr(yaml))).containsExactly("spec.trafficPolicy.connectionPool.tcp.maxConnections: "
        + "bounds nothing alone: requests in flight are limited to tcp.maxConnections + "
        + "http.http1MaxPendingRequests (Envoy queues the requests beyond maxConnections without a limit, "
        + "and Inboard never holds a request back); give both, or http.http2MaxRequests");
  }

  @Test
  void theFieldsInboardDoesNotApplyAreWarned() {
    String yaml = dr("""
        host: r
        trafficPolicy:
          connectionPool:
            tcp: {maxConnectionDuration: 1h, idleTimeout: 1h}
            http: {maxRequestsPerConnection: 1, maxConcurrentStreams: 10, http2MaxRequests: 5}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).hasSize(2).allMatch(w -> w.endsWith("is not supported by Inboard yet; ignored"));
  }

  @Test
  void theUpstreamProtocolIsReadForTheGatewayAndWarnedAsIgnoredByAnAgent() {
    ConnectionPoolSettings upgrade = pool("host: r\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}");
    assertThat(upgrade.h2UpgradePolicy()).isEqualTo(ConnectionPoolSettings.H2UpgradePolicy.UPGRADE);
    assertThat(upgrade.useClientProtocol()).isFalse();
    assertThat(upgrade.choosesProtocol()).as("so the destination is tracked").isTrue();
    assertThat(upgrade.limitsRequests()).isFalse();
    assertThat(warnings(dr("host: r\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.http.h2UpgradePolicy: " + GATEWAY_ONLY);

    ConnectionPoolSettings client = pool("host: r\ntrafficPolicy: {connectionPool: {http: {useClientProtocol: true}}}");
    assertThat(client.useClientProtocol()).isTrue();
    assertThat(client.h2UpgradePolicy()).isEqualTo(ConnectionPoolSettings.H2UpgradePolicy.DEFAULT);

    ConnectionPoolSettings stay = pool("host: r\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: DO_NOT_UPGRADE}}}");
    assertThat(stay.h2UpgradePolicy()).isEqualTo(ConnectionPoolSettings.H2UpgradePolicy.DO_NOT_UPGRADE);
    assertThat(warnings(dr("host: r\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: DEFAULT}}}"))).isEmpty();
  }

  @Test
  void bothUpstreamProtocolFieldsAtOnceAreWarnedAsIstioIgnoresTheUpgrade() {
    String yaml = dr("""
        host: r
        trafficPolicy:
          connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).contains("spec.trafficPolicy.connectionPool.http.h2UpgradePolicy: has no effect "
        + "with useClientProtocol: true (the client's protocol is kept, as in Istio); remove one of them");
  }

  @Test
  void aBadUpstreamProtocolIsAnErrorNamingItsPath() {
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: upgrade}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.http.h2UpgradePolicy: 'upgrade' is not an "
            + "h2UpgradePolicy; use DEFAULT, DO_NOT_UPGRADE or UPGRADE");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {useClientProtocol: sometimes}}}")))
        .singleElement().asString().startsWith("spec.trafficPolicy.connectionPool.http.useClientProtocol: must be true or false");
    assertThat(errors(dr("host: r\nsubsets: [{name: v1, labels: {version: v1}, "
        + "trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: 2}}}}]")))
        .singleElement().asString().startsWith("spec.subsets[0].trafficPolicy.connectionPool.http.h2UpgradePolicy: must be a string");
  }

  private static final String GATEWAY_ONLY = "applied by the gateway to its own connections; an agent ignores "
      + "it (its calls go through the application's own client, whose connections that client opens and pools)";

  @Test
  void idleTimeoutAndTcpKeepaliveAreReadForTheGatewayAndWarnedAsIgnoredByAnAgent() {
    String yaml = dr("""
        host: r
        trafficPolicy:
          connectionPool:
            tcp: {tcpKeepalive: {time: 600s, interval: 75s, probes: 9}}
            http: {idleTimeout: 300ms}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactlyInAnyOrder(
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive: " + GATEWAY_ONLY,
        "spec.trafficPolicy.connectionPool.http.idleTimeout: " + GATEWAY_ONLY);
    ConnectionPoolSettings p = ((DestinationRule) valid(yaml)).spec().trafficPolicy().connectionPool();
    assertThat(p.idleTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(p.tcpKeepalive()).isEqualTo(new TcpKeepalive(Duration.ofSeconds(600), Duration.ofSeconds(75), 9));
    assertThat(p.shapesConnections()).isTrue();
    assertThat(p.limitsRequests()).isFalse();
  }

  @Test
  void anEmptyTcpKeepaliveTurnsKeepaliveOnWithTheSystemsValuesAsInIstio() {
    ConnectionPoolSettings p = pool("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {}}}}");
    assertThat(p.tcpKeepalive()).isEqualTo(TcpKeepalive.SYSTEM_DEFAULTS);
    assertThat(p.shapesConnections()).isTrue();
    assertThat(pool("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {probes: 0}}}}")
        .tcpKeepalive().probes()).as("0: the system's count, as Istio reads it").isZero();
  }

  @Test
  void keepaliveTimesAreWholeSecondsAsIstioPassesThemWithAWarningForAFraction() {
    String yaml = dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {time: 1500ms, interval: 200ms}}}}");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).contains(
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time: is used as 1s: TCP keepalive counts whole "
            + "seconds (Istio passes the seconds on and drops the rest); write 1s",
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.interval: is used as 1s: TCP keepalive counts whole "
            + "seconds (Istio passes the seconds on and drops the rest; 0 is not a keepalive time); write 1s");
    TcpKeepalive k = ((DestinationRule) valid(yaml)).spec().trafficPolicy().connectionPool().tcpKeepalive();
    assertThat(k).isEqualTo(new TcpKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
  }

  @Test
  void badIdleTimeoutsAndKeepalivesAreErrorsThatSayHowToFixThem() {
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {idleTimeout: 0s}}}"))).containsExactly(
        "spec.trafficPolicy.connectionPool.http.idleTimeout: '0s' is too short; use at least 1ms");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {idleTimeout: 30}}}"))).containsExactly(
        "spec.trafficPolicy.connectionPool.http.idleTimeout: must be a duration such as 1.5s, 250ms, 1m or 1h, "
            + "not the number 30; add a unit, e.g. 30s");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {idleTimeout: 1500us}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.http.idleTimeout: '1500us' is finer than a "
            + "millisecond; durations are whole milliseconds, e.g. 1ms");
    assertThat(errors(dr("""
        host: r
        trafficPolicy:
          connectionPool:
            tcp: {tcpKeepalive: {time: -1s, interval: 10, probes: -1}}
        """))).containsExactlyInAnyOrder(
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time: '-1s' is not a duration (it is negative); write "
            + "e.g. 1.5s, 250ms, 1m or 1h",
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.interval: must be a duration such as 1.5s, 250ms, "
            + "1m or 1h, not the number 10; add a unit, e.g. 10s",
        "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.probes: -1 is too small; use 0 or more");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {probes: 5000000000}}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.probes: 5000000000 is too large; "
            + "probes is a 32-bit count, at most 4294967295 (Linux takes at most 127), e.g. probes: 9");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {probes: 1.5}}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.probes: must be a whole number, "
            + "not the number 1.5");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {tim: 1s}}}}")))
        .containsExactly("spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.tim: unknown field; did you mean time?");
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {tcpKeepalive: 60s}}}")))
        .hasSize(1).allMatch(e -> e.startsWith("spec.trafficPolicy.connectionPool.tcp.tcpKeepalive: must be a "
            + "mapping"));
  }

  @Test
  void theConnectionsLifetimeIsReadWithZeroRequestsPerConnectionAsNoLimit() {
    ConnectionPoolSettings p = pool("host: r\ntrafficPolicy: {connectionPool: {tcp: {maxConnectionDuration: 30s}, "
        + "http: {maxRequestsPerConnection: 1}}}");
    assertThat(p).isEqualTo(new ConnectionPoolSettings(U, null, U, U, U, 1, Duration.ofSeconds(30)));
    assertThat(p.appliesAnything()).as("the gateway shapes its connections by it").isTrue();
    String unlimited = "host: r\ntrafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: 0}}}";
    assertThat(warnings(dr(unlimited))).isEmpty();
    assertThat(pool(unlimited).shapesConnections()).isFalse();
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: -1}}}")))
        .hasSize(1);
    assertThat(errors(dr("host: r\ntrafficPolicy: {connectionPool: {tcp: {maxConnectionDuration: 0s}}}")))
        .hasSize(1);
  }

  @Test
  void aSubsetsBlockReplacesTheTopLevelOneAsAWhole() {
    DestinationRule dr = valid(dr("""
        host: r
        trafficPolicy: {connectionPool: {http: {http2MaxRequests: 5, maxRetries: 1}}}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1s}}}
        - name: v2
          labels: {version: v2}
        """));
    ConnectionPoolSettings v1 = dr.spec().policyFor("v1").connectionPool();
    assertThat(v1.maxRequests()).isEqualTo(U);
    assertThat(v1.maxRetries()).isEqualTo(U);
    assertThat(v1.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(dr.spec().policyFor("v2").connectionPool().maxRequests()).isEqualTo(5);
  }
}
