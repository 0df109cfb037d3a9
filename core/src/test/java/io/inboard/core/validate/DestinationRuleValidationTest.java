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
import io.inboard.core.model.OutlierDetection;
import io.inboard.core.model.TrafficPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationRuleValidationTest {

  private static String hash(String consistentHash) {
    return "host: reviews\ntrafficPolicy:\n  loadBalancer:\n    consistentHash: " + consistentHash;
  }

  private static LoadBalancerSettings balancer(String yaml) {
    DestinationRule dr = valid(dr(yaml));
    return dr.spec().trafficPolicy().loadBalancer();
  }

  @Test
  void readsSubsetsAndTheirPolicies() {
    DestinationRule dr = valid(dr("""
        host: Reviews
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 3}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2, app.kubernetes.io/name: reviews}
          trafficPolicy:
            loadBalancer: {consistentHash: {httpHeaderName: X-User}}
        """));
    assertThat(dr.spec().host()).isEqualTo("reviews");
    assertThat(dr.spec().subsets()).extracting(s -> s.name()).containsExactly("v1", "v2");
    assertThat(dr.spec().subsets().get(1).labels())
        .containsEntry("app.kubernetes.io/name", "reviews");
    TrafficPolicy v1 = dr.spec().policyFor("v1");
    TrafficPolicy v2 = dr.spec().policyFor("v2");
    assertThat(v1.loadBalancer()).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.ROUND_ROBIN));
    // The subset's balancer replaces the top-level one; the outlier detection is inherited.
    assertThat(v2.loadBalancer()).isEqualTo(new LoadBalancerSettings.ConsistentHash(
        new HashKey.HttpHeaderName("x-user"), new HashAlgorithm.RingHash(1024)));
    assertThat(v2.outlierDetection().consecutive5xxErrors()).isEqualTo(3);
  }

  @Test
  void simpleBalancers() {
    assertThat(balancer("host: r\ntrafficPolicy: {loadBalancer: {simple: RANDOM}}"))
        .isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.RANDOM));
    assertThat(balancer("host: r\ntrafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}"))
        .isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.PASSTHROUGH));
    String leastConn = "host: r\ntrafficPolicy: {loadBalancer: {simple: LEAST_CONN}}";
    assertThat(balancer(leastConn)).isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST));
    assertThat(warnings(dr(leastConn))).containsExactly("spec.trafficPolicy.loadBalancer.simple: "
        + "LEAST_CONN is deprecated; it means LEAST_REQUEST, write that instead");
    assertThat(errors(dr("host: r\ntrafficPolicy: {loadBalancer: {simple: FASTEST}}")))
        .containsExactly("spec.trafficPolicy.loadBalancer.simple: 'FASTEST' is not a load balancer;"
            + " use ROUND_ROBIN, RANDOM, LEAST_REQUEST or PASSTHROUGH");
    assertThat(errors(dr("host: r\ntrafficPolicy: {loadBalancer: {simple: RANDOM, "
        + "consistentHash: {useSourceIp: true}}}"))).containsExactly(
        "spec.trafficPolicy.loadBalancer: has simple and consistentHash; choose one");
  }

  @Test
  void noBalancerMeansLeastRequestAsInIstio() {
    DestinationRule dr = valid(dr("host: r"));
    assertThat(dr.spec().policyFor(null).effectiveLoadBalancer())
        .isEqualTo(new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST));
  }

  @Test
  void everyHashKeyKind() {
    assertThat(balancer(hash("{httpCookie: {name: session, path: /, ttl: 1h}}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.HttpCookie("session", "/", Duration.ofHours(1)), new HashAlgorithm.RingHash(1024)));
    assertThat(balancer(hash("{httpQueryParameterName: user}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.HttpQueryParameterName("user"), new HashAlgorithm.RingHash(1024)));
    assertThat(balancer(hash("{useSourceIp: true, maglev: {}}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.UseSourceIp(), new HashAlgorithm.Maglev(65537)));
    assertThat(balancer(hash("{httpHeaderName: x, ringHash: {minimumRingSize: 4096}}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.HttpHeaderName("x"), new HashAlgorithm.RingHash(4096)));
  }

  @Test
  void cookieAttributesAreReadInOrderAndBadOnesAreErrors() {
    assertThat(balancer(hash("{httpCookie: {name: session, ttl: 1h, attributes: "
        + "[{name: SameSite, value: Strict}, {name: Secure}]}}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.HttpCookie("session", null, Duration.ofHours(1), List.of(
                new HashKey.CookieAttribute("SameSite", "Strict"), new HashKey.CookieAttribute("Secure", ""))),
            new HashAlgorithm.RingHash(1024)));
    assertThat(warnings(dr(hash("{httpCookie: {name: s, ttl: 1h, attributes: [{name: Secure}]}}")))).isEmpty();
    assertThat(errors(dr(hash("{httpCookie: {name: s, ttl: 1h, attributes: "
        + "[{value: Strict}, {name: \"Same Site\", value: Lax}, {name: Domain, value: \"a;b\"}, {name: X, colour: red}]}}"))))
        .containsExactly(
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name: is required, "
                + "e.g. attributes: [{name: SameSite, value: Strict}, {name: Secure}]",
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[1].name: 'Same Site' is not "
                + "a valid cookie attribute name: use letters, digits and !#$%&'*+-.^_`|~ only",
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[2].value: 'a;b' cannot be "
                + "a cookie attribute value: it must not contain ';' or control characters",
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[3].colour: unknown field; "
                + "known fields here are name, value");
  }

  @Test
  void moreThanOneHashKeyOrNoneIsAnError() {
    assertThat(errors(dr(hash("{httpHeaderName: x-user, httpCookie: {name: c}, useSourceIp: true}"))))
        .containsExactly("spec.trafficPolicy.loadBalancer.consistentHash: has 3 hash keys "
            + "(httpHeaderName, httpCookie, useSourceIp); keep exactly one");
    assertThat(errors(dr(hash("{useSourceIp: false}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash: needs a hash key: one of httpHeaderName, "
            + "httpCookie, httpQueryParameterName or useSourceIp: true");
  }

  @Test
  void ringHashWithMaglevIsAnError() {
    assertThat(errors(dr(hash("{httpHeaderName: x, ringHash: {}, maglev: {}}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash: has ringHash and maglev; choose one hash "
            + "algorithm");
  }

  @Test
  void deprecatedMinimumRingSizeIsReadWithAWarningAndRefusedNextToAnAlgorithm() {
    String spec = hash("{httpHeaderName: x, minimumRingSize: 2048}");
    assertThat(balancer(spec)).isEqualTo(new LoadBalancerSettings.ConsistentHash(
        new HashKey.HttpHeaderName("x"), new HashAlgorithm.RingHash(2048)));
    assertThat(warnings(dr(spec))).containsExactly("spec.trafficPolicy.loadBalancer.consistentHash"
        + ".minimumRingSize: deprecated; write ringHash: {minimumRingSize: 2048}");
    assertThat(errors(dr(hash("{httpHeaderName: x, minimumRingSize: 2048, maglev: {}}"))))
        .containsExactly("spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: "
            + "minimumRingSize here is the deprecated form of ringHash.minimumRingSize; remove it "
            + "(an algorithm is already chosen)");
  }

  @Test
  void maglevTableSizeMustBePrime() {
    assertThat(errors(dr(hash("{httpHeaderName: x, maglev: {tableSize: 65536}}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: 65536 is not a prime "
            + "number; maglev needs a prime table size, e.g. 65537 (the default is 65537)");
    assertThat(balancer(hash("{httpHeaderName: x, maglev: {tableSize: 251}}")))
        .isEqualTo(new LoadBalancerSettings.ConsistentHash(
            new HashKey.HttpHeaderName("x"), new HashAlgorithm.Maglev(251)));
    assertThat(errors(dr(hash("{httpHeaderName: x, maglev: {tableSize: 99999999}}"))))
        .containsExactly("spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: 99999999"
            + " is out of range; use 0..5000011");
  }

  @Test
  void hashKeyPartsAreChecked() {
    assertThat(errors(dr(hash("{httpHeaderName: \"my header\"}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash.httpHeaderName: 'my header' is not a valid "
            + "header name: use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)");
    assertThat(errors(dr(hash("{httpCookie: {ttl: 10s}}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: is required, e.g. "
            + "httpCookie: {name: user, ttl: 3600s}");
    assertThat(errors(dr(hash("{httpCookie: {name: c, ttl: forever}}")))).containsExactly(
        "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl: 'forever' is not a duration"
            + " (expected a number at 'forever'); write e.g. 1.5s, 250ms, 1m or 1h");
  }

  @Test
  void duplicateSubsetNamesAreAnError() {
    assertThat(errors(dr("""
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v1, labels: {version: v2}}
        """))).containsExactly("spec.subsets[1].name: duplicate subset name 'v1'; give each subset "
            + "its own name");
  }

  @Test
  void subsetsNeedLabelsAndDnsNames() {
    assertThat(errors(dr("""
        host: reviews
        subsets:
        - {name: v1, labels: {}}
        - {name: v2}
        - {name: Version_3, labels: {version: v3}}
        - {labels: {version: v4}}
        - {name: v5, labels: {version: "not valid!"}}
        """))).containsExactly(
        "spec.subsets[0].labels: must not be empty: a subset needs labels to select its instances,"
            + " e.g. labels: {version: v1}",
        "spec.subsets[1].labels: must not be empty: a subset needs labels to select its instances,"
            + " e.g. labels: {version: v1}",
        "spec.subsets[2].name: 'Version_3' is not a valid subset name: use lower-case letters, "
            + "digits and '-', starting and ending with a letter or digit",
        "spec.subsets[3].name: is required, e.g. name: v1",
        "spec.subsets[4].labels.version: 'not valid!' is not a valid label value: use at most 63 "
            + "letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
  }

  @Test
  void hostIsRequiredAndValid() {
    assertThat(errors(dr("subsets: [{name: v1, labels: {version: v1}}]"))).containsExactly(
        "spec.host: is required, e.g. host: user (a service in this namespace) or its FQDN");
    assertThat(errors(dr("host: \"*\""))).containsExactly("spec.host: '*' would apply this rule "
        + "to every service; name a host (or a wildcard such as *.example.com)");
    assertThat(errors(dr("host: \"*.example.com\""))).isEmpty();
  }

  @Test
  void outlierDetectionDefaultsAndLimits() {
    String yaml = dr("host: r\ntrafficPolicy: {outlierDetection: {interval: 5s}}");
    DestinationRule dr = valid(yaml);
    assertThat(warnings(yaml)).isEmpty();
    OutlierDetection od = dr.spec().trafficPolicy().outlierDetection();
    assertThat(od).isEqualTo(new OutlierDetection(5, 0, Duration.ofSeconds(5), Duration.ofSeconds(30), 10));
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {maxEjectionPercent: 150, "
        + "baseEjectionTime: 0s}}"))).containsExactly(
        "spec.trafficPolicy.outlierDetection.baseEjectionTime: '0s' is too short; use at least 1ms",
        "spec.trafficPolicy.outlierDetection.maxEjectionPercent: 150 is out of range; use 0..100");
  }

  @Test
  void theLocalOriginSplitIsReadAndItsCountAloneIsWarned() {
    String yaml = dr("host: r\ntrafficPolicy: {outlierDetection: {splitExternalLocalOriginErrors: true, "
        + "consecutiveLocalOriginFailures: 2}}");
    assertThat(warnings(yaml)).isEmpty();
    DestinationRule withCount = valid(yaml);
    OutlierDetection od = withCount.spec().trafficPolicy().outlierDetection();
    assertThat(od.splitExternalLocalOriginErrors()).isTrue();
    assertThat(od.consecutiveLocalOriginFailures()).isEqualTo(2);
    DestinationRule splitOnly = valid(dr("host: r\ntrafficPolicy: {outlierDetection: {splitExternalLocalOriginErrors: true}}"));
    assertThat(splitOnly.spec().trafficPolicy().outlierDetection().consecutiveLocalOriginFailures())
        .as("Envoy's default").isEqualTo(5);
    assertThat(warnings(dr("host: r\ntrafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 2}}")))
        .containsExactly("spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures: counts only with "
            + "splitExternalLocalOriginErrors: true (without it a try that got no answer counts as a 5xx and a "
            + "gateway error); set it, or remove this");
    assertThat(errors(dr("host: r\ntrafficPolicy: {outlierDetection: {splitExternalLocalOriginErrors: yes please}}")))
        .hasSize(1);
  }

  @Test
  void theDeprecatedConsecutiveErrorsIsReadAsIstioReadsItGatewayErrorsOnly() {
    String yaml = dr("host: r\ntrafficPolicy: {outlierDetection: {consecutiveErrors: 7}}");
    DestinationRule deprecated = valid(yaml);
    OutlierDetection od = deprecated.spec().trafficPolicy().outlierDetection();
    assertThat(od.consecutiveGatewayErrors()).isEqualTo(7);
    assertThat(od.consecutive5xxErrors()).isZero();
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.outlierDetection.consecutiveErrors: deprecated; "
        + "Istio reads it as consecutiveGatewayErrors: 7 with consecutive5xxErrors: 0, and so does Inboard; write "
        + "those instead");
    DestinationRule both = valid(dr("host: r\ntrafficPolicy: {outlierDetection: {consecutiveErrors: 7, "
        + "consecutive5xxErrors: 3}}"));
    assertThat(both.spec().trafficPolicy().outlierDetection().consecutive5xxErrors()).as("the field given wins").isEqualTo(3);
    assertThat(both.spec().trafficPolicy().outlierDetection().consecutiveGatewayErrors()).isEqualTo(7);
  }

  @Test
  void maxEjectionPercentZeroIsIstiosDefaultWithAWarning() {
    String yaml = dr("host: r\ntrafficPolicy: {outlierDetection: {maxEjectionPercent: 0}}");
    DestinationRule dr = valid(yaml);
    assertThat(dr.spec().trafficPolicy().outlierDetection().maxEjectionPercent()).isEqualTo(10);
    assertThat(warnings(yaml)).containsExactly("spec.trafficPolicy.outlierDetection.maxEjectionPercent: "
        + "0 means the default, 10%, as in Istio; to turn ejection off set consecutive5xxErrors: 0 "
        + "(and leave consecutiveGatewayErrors at 0)");
  }

  @Test
  void unsupportedPartsAreWarnedAndTheRestIsRead() {
    String yaml = dr("""
        host: r
        trafficPolicy:
          connectionPool: {http: {http2MaxRequests: 100, maxConcurrentStreams: 10}}
          tunnel: {protocol: CONNECT}
          loadBalancer: {simple: RANDOM, localityLbSetting: {enabled: true}}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactlyInAnyOrder(
        "spec.trafficPolicy.tunnel: tunnel is not supported by Inboard yet; ignored",
        "spec.trafficPolicy.connectionPool.http.maxConcurrentStreams: maxConcurrentStreams is not supported by "
            + "Inboard yet; ignored");
    assertThat(((DestinationRule) valid(yaml)).spec().trafficPolicy().connectionPool()).isNotNull();
  }
}
