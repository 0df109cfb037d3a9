package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request -> decision table in {@code conformance/cases.yaml}: every match kind, precedence,
 * host forms, gateways, weights, hashing, rewrites, actions and errors. Sampled cases state their
 * tolerance in the table; randomness is seeded.
 */
class ConformanceTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Snapshot> SNAPSHOTS = new HashMap<>();
  private static final String DEFAULT_FROM = "traffic-management/frontend,app=frontend";

  static Stream<Arguments> cases() throws Exception {
    JsonNode groups = YAML.readTree(Fixtures.text("conformance/cases.yaml"));
    List<Arguments> out = new ArrayList<>();
    for (JsonNode group : groups) {
      String file = group.get("file").asText();
      for (JsonNode c : group.get("cases")) {
        out.add(Arguments.of(file + ": " + c.get("name").asText(), file, c));
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(120);
    return out.stream();
  }

  private static synchronized Snapshot snapshot(String file) {
    return SNAPSHOTS.computeIfAbsent(file, f -> Fixtures.snapshot("conformance/instances.yaml", "conformance/" + f));
  }

  /**
   * The snapshot as the case's workload sees it, as an agent or a gateway compiles it: the calling workload
   * ({@code from}), the gateway's ({@code gatewayNamespace}, default istio-system, with {@code gatewayLabels}),
   * or, with {@code from: none}, the whole mesh's view.
   */
  private static Snapshot viewed(Snapshot snapshot, JsonNode c) {
    if (c.has("gateway")) {
      Map<String, String> labels = new HashMap<>();
      c.path("gatewayLabels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      return snapshot.viewedBy(new Workload(c.path("gatewayNamespace").asText("istio-system"), "gateway", labels));
    }
    String from = c.path("from").asText(DEFAULT_FROM);
    return from.equals("none") ? snapshot : snapshot.viewedBy(ExplainRequest.parseWorkload(from));
  }

  static DescribedRequest request(JsonNode c) {
    DescribedRequest r = DescribedRequest.of(c.path("method").asText("GET"), c.get("url").asText());
    JsonNode headers = c.get("headers");
    if (headers != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> h = it.next();
        r = r.withHeader(h.getKey(), h.getValue().asText());
      }
    }
    if (c.has("sourceIp")) {
      r = r.withSourceIp(c.get("sourceIp").asText());
    }
    if (c.has("gateway")) {
      return r.atGateway(c.get("gateway").asText());
    }
    String from = c.path("from").asText(DEFAULT_FROM);
    return from.equals("none") ? r : r.from(ExplainRequest.parseWorkload(from));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesAsTheTableSays(String name, String file, JsonNode c) {
    Snapshot snapshot = viewed(snapshot(file), c);
    DescribedRequest request = request(c);
    if (c.has("samples")) {
      checkShares(snapshot, request, c);
      return;
    }
    Decision d = new Router(snapshot, InFlight.NONE, new SplittableRandom(1)).explain(request);
    JsonNode expect = c.get("expect");
    SoftAssertions soft = new SoftAssertions();
    String context = "decision " + d + "\ntrace:\n  " + String.join("\n  ", d.trace());
    for (Iterator<Map.Entry<String, JsonNode>> it = expect.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      check(soft, e.getKey(), e.getValue(), d, snapshot, request, context);
    }
    soft.assertAll();
  }

  private static void check(SoftAssertions soft, String key, JsonNode want, Decision d, Snapshot snapshot,
      DescribedRequest request, String context) {
    Decision.Actions a = d.actions();
    switch (key) {
      case "outcome" -> soft.assertThat(d.outcome().name()).as(context).isEqualTo(want.asText());
      case "status" -> soft.assertThat(d.status()).as(context).isEqualTo(want.asInt());
      case "vs" -> soft.assertThat(d.matched() == null ? null : d.matched().virtualService()).as(context).isEqualTo(want.asText());
      case "rule" -> soft.assertThat(d.matched() == null ? null : d.matched().ruleName()).as(context).isEqualTo(want.asText());
      case "host" -> soft.assertThat(d.destination() == null ? null : d.destination().host()).as(context).isEqualTo(want.asText());
      case "subset" -> soft.assertThat(d.destination() == null ? null : d.destination().subset()).as(context).isEqualTo(text(want));
      case "port" -> soft.assertThat(d.destination().port()).as(context).isEqualTo(want.asInt());
      case "instance" -> soft.assertThat(d.instance() == null ? null : d.instance().id()).as(context).isEqualTo(text(want));
      case "instanceIn" -> {
        List<String> ids = new ArrayList<>();
        want.forEach(v -> ids.add(v.asText()));
        soft.assertThat(d.instance()).as(context).isNotNull();
        if (d.instance() != null) {
          soft.assertThat(d.instance().id()).as(context).isIn(ids);
        }
      }
      case "hashKey" -> soft.assertThat(d.hashKey()).as(context).isEqualTo(text(want));
      case "path" -> soft.assertThat(a.rewrittenPath()).as(context).isEqualTo(text(want));
      case "authority" -> soft.assertThat(a.rewrittenAuthority()).as(context).isEqualTo(text(want));
      case "location" -> soft.assertThat(a.redirectLocation()).as(context).isEqualTo(text(want));
      case "body" -> soft.assertThat(a.directResponseBody()).as(context).isEqualTo(text(want));
      case "reason" -> soft.assertThat(d.reason()).as(context).contains(want.asText());
      case "set" -> soft.assertThat(a.requestHeaders().set()).as(context).isEqualTo(map(want));
      case "add" -> soft.assertThat(a.requestHeaders().add()).as(context).isEqualTo(map(want));
      case "remove" -> {
        List<String> names = new ArrayList<>();
        want.forEach(v -> names.add(v.asText()));
        soft.assertThat(a.requestHeaders().remove()).as(context).containsExactlyElementsOf(names);
      }
      case "responseSet" -> soft.assertThat(a.responseHeaders().set()).as(context).isEqualTo(map(want));
      case "timeout" -> soft.assertThat(a.timeout()).as(context).isEqualTo(duration(text(want)));
      case "retries" -> soft.assertThat(a.retries().attempts()).as(context).isEqualTo(want.asInt());
      case "retryOn" -> soft.assertThat(String.join(",", a.retries().retryOn())).as(context).isEqualTo(want.asText());
      case "abort" -> soft.assertThat(a.fault() == null ? 0 : a.fault().abortStatus()).as(context).isEqualTo(want.asInt());
      case "delay" -> soft.assertThat(a.fault() == null ? null : a.fault().delay()).as(context).isEqualTo(duration(text(want)));
      case "mirrors" -> {
        List<String> copies = new ArrayList<>();
        for (Decision.Mirror m : a.mirrors()) {
          copies.add(m.destination().host() + (m.destination().subset() == null ? "" : "/" + m.destination().subset()));
        }
        List<String> wanted = new ArrayList<>();
        want.forEach(v -> wanted.add(v.asText()));
        soft.assertThat(copies).as(context).containsExactlyElementsOf(wanted);
      }
      case "setCookie" -> soft.assertThat(a.setCookie() == null ? null : a.setCookie().name()).as(context).isEqualTo(text(want));
      case "stable" -> {
        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
          Decision again = new Router(snapshot, InFlight.NONE, new SplittableRandom(seed)).route(request);
          seen.add(again.destination().subset() + "/" + (again.instance() == null ? null : again.instance().id()));
        }
        soft.assertThat(seen).as("same subset and instance for every seed: " + context).hasSize(1);
      }
      case "stableSubset" -> {
        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
          seen.add(new Router(snapshot, InFlight.NONE, new SplittableRandom(seed)).route(request).destination().subset());
        }
        soft.assertThat(seen).as("same subset for every seed: " + context).hasSize(1);
      }
      case "spread" -> {
        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
          Decision again = new Router(snapshot, InFlight.NONE, new SplittableRandom(seed)).route(request);
          seen.add(again.instance() == null ? null : again.instance().id());
        }
        soft.assertThat(seen).as("several instances over seeds: " + context).hasSizeGreaterThan(1);
      }
      case "portLevelSettings" -> soft.assertThat(d.destination().policyPort()).as(context).isEqualTo(want.asInt());
      case "trace" -> soft.assertThat(d.trace()).as(context).anySatisfy(step -> assertThat(step).contains(want.asText()));
      default -> soft.fail("unknown expectation '" + key + "' in cases.yaml");
    }
  }

  private static void checkShares(Snapshot snapshot, DescribedRequest request, JsonNode c) {
    int n = c.get("samples").asInt();
    Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(42));
    boolean ofMirrors = c.has("mirrorShares");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Decision d = router.route(request);
      counts.merge(ofMirrors ? mirrorsRolled(d) : d.destination().subset(), 1, Integer::sum);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get(ofMirrors ? "mirrorShares" : "shares").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      double share = counts.getOrDefault(e.getKey(), 0) / (double) n;
      assertThat(share).as("share of %s in %s", e.getKey(), counts)
          .isBetween(e.getValue().get(0).asDouble(), e.getValue().get(1).asDouble());
    }
  }

  /** The subsets of the mirrors rolled for {@code d}, joined by {@code +}; {@code none} when none was. */
  private static String mirrorsRolled(Decision d) {
    List<String> subsets = new ArrayList<>();
    for (Decision.Mirror m : d.actions().mirrors()) {
      subsets.add(m.destination().subset());
    }
    return subsets.isEmpty() ? "none" : String.join("+", subsets);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, String> map(JsonNode n) {
    Map<String, String> m = new HashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  private static Duration duration(String s) {
    if (s == null) {
      return null;
    }
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
  }
}
