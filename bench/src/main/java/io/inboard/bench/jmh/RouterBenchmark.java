package io.inboard.bench.jmh;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.route.Decision;
import io.inboard.core.route.DescribedRequest;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One routing decision, {@code Router.route}, as the agent and the gateway make it per request:
 * on the walk-through rules (canary, dark release, prefix rewrite; through the gateway and from
 * inside the mesh) and on a VirtualService of 200 rules, each with a header regex match, for a
 * request that matches the last rule and one that matches none. SampleTime gives the median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {
  static final String GATEWAY = "traffic-management/microservice-gateway";
  static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of("app", "frontend"));

  /**
   * canary-gateway, canary-mesh: 10-canary; rewrite-gateway: 10-canary's /user prefix rule;
   * dark-dev-gateway, dark-default-mesh: 40-dark-release (second rule after a failed header match);
   * sticky-mesh: 30-sticky-canary with a key; rules200-last, rules200-none: the 200-rule service
   * with one header value; rules200-last-fresh: 4096 different values in turn (nothing can be
   * remembered between decisions); rules200-re2-fresh: the same with regexes outside the simple
   * form ({@code rule-i-(x|[a-z]+)}), so the matching rule runs on RE2/J every time.
   */
  @Param({"canary-gateway", "canary-mesh", "rewrite-gateway", "dark-dev-gateway", "dark-default-mesh",
      "sticky-mesh", "rules200-last", "rules200-none", "rules200-last-fresh", "rules200-re2-fresh"})
  public String scenario;

  private Router router;
  private RequestView request;
  /** Requests taken in turn; one element except for the fresh-values scenario. */
  private RequestView[] requests;
  private int next;

  @Setup
  public void setUp() {
    List<Instance> instances = InstancesFile.parse(resource("instances.yaml"));
    switch (scenario) {
      case "canary-gateway" -> {
        router = router(instances, "00-gateway.yaml", "10-canary.yaml");
        request = DescribedRequest.of("GET", "http://user.traffic-management.example.com/").atGateway(GATEWAY);
      }
      case "canary-mesh" -> {
        router = router(instances, "00-gateway.yaml", "10-canary.yaml");
        request = DescribedRequest.of("GET", "http://user/").from(FRONTEND);
      }
      case "rewrite-gateway" -> {
        router = router(instances, "00-gateway.yaml", "10-canary.yaml");
        request = DescribedRequest.of("GET", "http://microservice.traffic-management.example.com/user/list")
            .atGateway(GATEWAY);
      }
      case "dark-dev-gateway" -> {
        router = router(instances, "00-gateway.yaml", "40-dark-release.yaml");
        request = DescribedRequest.of("GET", "http://user.traffic-management.example.com/")
            .withHeader("mode", "dev").atGateway(GATEWAY);
      }
      case "dark-default-mesh" -> {
        router = router(instances, "00-gateway.yaml", "40-dark-release.yaml");
        request = DescribedRequest.of("GET", "http://user/").withHeader("x-request-id", "abc").from(FRONTEND);
      }
      case "sticky-mesh" -> {
        router = router(instances, "00-gateway.yaml", "30-sticky-canary.yaml");
        request = DescribedRequest.of("GET", "http://user/").withHeader("my-header", "alice").from(FRONTEND);
      }
      case "rules200-last" -> {
        router = new Router(Snapshot.compile(1, parse(twoHundredRules()), instances));
        request = DescribedRequest.of("GET", "http://user/").withHeader("x-rule", "rule-199-abc").from(FRONTEND);
      }
      case "rules200-none" -> {
        router = new Router(Snapshot.compile(1, parse(twoHundredRules()), instances));
        request = DescribedRequest.of("GET", "http://user/").withHeader("x-rule", "nothing").from(FRONTEND);
      }
      case "rules200-last-fresh", "rules200-re2-fresh" -> {
        String rules = scenario.contains("re2") ? twoHundredRules("-(x|[a-z]+)") : twoHundredRules();
        router = new Router(Snapshot.compile(1, parse(rules), instances));
        requests = new RequestView[4096];
        for (int i = 0; i < requests.length; i++) {
          requests[i] = DescribedRequest.of("GET", "http://user/").withHeader("x-rule", "rule-199-" + letters(i))
              .from(FRONTEND);
        }
        request = requests[0];
      }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    if (requests == null) {
      requests = new RequestView[] {request};
    }
    Decision d = router.route(request);
    boolean expected = scenario.equals("rules200-none")
        ? d.outcome() == Decision.Outcome.NO_ROUTE
        : d.outcome() == Decision.Outcome.ROUTE && d.instance() != null;
    if (!expected || (scenario.startsWith("rules200-") && !scenario.endsWith("-none") && d.matched().rule() != 199)) {
      throw new IllegalStateException(scenario + ": unexpected decision " + d);
    }
  }

  @Benchmark
  public Decision route() {
    return router.route(requests[next++ & (requests.length - 1)]);
  }

  private static String letters(int i) {
    StringBuilder b = new StringBuilder();
    do {
      b.append((char) ('a' + i % 26));
      i /= 26;
    } while (i > 0);
    return b.toString();
  }

  /** A VirtualService for {@code user} whose rule i matches header x-rule against rule-i-[a-z]+. */
  static String twoHundredRules() {
    return twoHundredRules("-[a-z]+");
  }

  /** The same with rule i's regex {@code rule-i<tail>}. */
  static String twoHundredRules(String tail) {
    StringBuilder b = new StringBuilder(resource("10-canary.yaml").split("---")[0]).append("---\n");
    b.append("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: many-rules, namespace: traffic-management}
        spec:
          hosts: [user]
          http:
        """);
    for (int i = 0; i < 200; i++) {
      b.append("  - name: rule-").append(i).append('\n')
          .append("    match: [{headers: {x-rule: {regex: \"rule-").append(i).append(tail).append("\"}}}]\n")
          .append("    route: [{destination: {host: user, subset: ").append(i % 2 == 0 ? "v1" : "v2").append("}}]\n");
    }
    return b.toString();
  }

  private static Router router(List<Instance> instances, String... files) {
    List<ParsedResource> resources = new ArrayList<>();
    for (String f : files) {
      resources.addAll(parse(resource(f)));
    }
    return new Router(Snapshot.compile(1, resources, instances));
  }

  private static List<ParsedResource> parse(String yaml) {
    ParseResult parsed = ResourceParser.parse(yaml);
    if (parsed.hasErrors()) {
      throw new IllegalStateException("benchmark resources are invalid: " + parsed.diagnostics());
    }
    return parsed.resources();
  }

  private static String resource(String name) {
    try (InputStream in = RouterBenchmark.class.getResourceAsStream("/router/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing benchmark resource /router/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
