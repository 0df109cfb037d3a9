package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three hops, none with header-forwarding code: the test calls {@code front} (Jetty + agent), which
 * calls {@code middle} (Tomcat + agent), which calls {@code user} (echo). The headers the rules
 * need, and the request id, must reach the last hop on every request, whichever client and thread
 * each hop uses; a request that did not carry them must not get another request's.
 */
class PropagationChainIT extends TwoUserInstances {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          loadBalancer:
            consistentHash: {httpHeaderName: my-header}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - name: dark-release
          match:
          - headers:
              mode: {exact: dev}
          route:
          - destination: {host: user, subset: v2}
        - name: default
          route:
          - destination: {host: user, subset: v1}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: middle, namespace: traffic-management}
      spec:
        hosts: [middle]
        http:
        - route:
          - destination: {host: middle}
      """;

  /** Client and thread at the front hop, then at the middle hop. */
  static final List<String[]> HOPS =
      List.of(
          new String[] {"okhttp", "request", "huc", "executor"},
          new String[] {"jdk", "executor", "okhttp-async", "request"},
          new String[] {"huc", "completable", "jdk-async", "request"},
          new String[] {"okhttp-async", "request", "jdk", "scheduled"},
          new String[] {"jdk-async", "forkjoin", "okhttp", "executor"});

  @TempDir static Path dir;
  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private static Map<String, String> options(String service, Path config) {
    return Map.of(
        "inboard.service", service,
        "inboard.namespace", "traffic-management",
        "inboard.labels", "app=" + service + ",version=v1",
        "inboard.config", config.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void headersReachTheLastHopAndNeverLeakIntoOtherRequests(Jdks.Jdk jdk) throws Exception {
    Path middleRules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
        .write(dir, "middle-" + jdk + ".yaml");
    try (ForkedService middle =
        ForkedService.start("chain-middle", jdk, "tomcat", options("middle", middleRules), ForkedService.CLASSPATH)) {
      Path frontRules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
          .instance("middle-1", "middle", "traffic-management", middle.port(), "v1")
          .write(dir, "front-" + jdk + ".yaml");
      try (ForkedService front =
          ForkedService.start("chain-front", jdk, "jetty", options("front", frontRules), ForkedService.CLASSPATH)) {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
          for (String[] hop : HOPS) {
            String target =
                "http://middle/call?client=" + hop[2] + "&on=" + hop[3] + "&target="
                    + URLEncoder.encode("http://user/echo", StandardCharsets.UTF_8);
            List<Future<String>> checks = new ArrayList<>();
            for (int i = 0; i < 45; i++) {
              int request = i;
              checks.add(callers.submit(() -> oneRequest(front, hop, target, request)));
            }
            for (Future<String> check : checks) {
              assertThat(check.get()).isEqualTo("ok");
            }
          }
        } finally {
          callers.shutdownNow();
        }
      }
    }
  }

  /**
   * One request through the chain; a third carries my-header, mode and x-request-id, a third only
   * x-request-id, a third nothing (the front's filter then generates the id).
   */
  private static String oneRequest(ForkedService front, String[] hop, String target, int request) throws Exception {
    Map<String, String> headers = new HashMap<>();
    String id = "req-" + hop[0] + "-" + request;
    if (request % 3 == 0) {
      headers.put("my-header", "alice-" + request);
      headers.put("mode", "dev");
    }
    if (request % 3 != 2) {
      headers.put("x-request-id", id);
    }
    CallResult last = ServiceCalls.call(front, hop[0], hop[1], 1, target, headers).get(0);
    String where = String.join("/", hop) + " request " + request + ": " + last.line();
    assertThat(last.status()).as(where).isEqualTo(200);
    if (request % 3 == 0) {
      assertThat(last.header("my-header")).as(where).isEqualTo("alice-" + request);
      assertThat(last.header("mode")).as(where).isEqualTo("dev");
      assertThat(last.version()).as(where).isEqualTo("v2");
    } else {
      assertThat(last.header("my-header")).as(where).isNull();
      assertThat(last.header("mode")).as(where).isNull();
      assertThat(last.version()).as(where).isEqualTo("v1");
    }
    if (request % 3 != 2) {
      assertThat(last.header("x-request-id")).as(where).isEqualTo(id);
    } else {
      assertThat(last.header("x-request-id")).as(where).isNotBlank().doesNotStartWith("req-");
    }
    return "ok";
  }
}
