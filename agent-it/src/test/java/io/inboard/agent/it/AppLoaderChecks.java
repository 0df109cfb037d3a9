package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service whose libraries another class loader than the system's loads gets from the agent,
 * checked from the outside: the filter installed (the inbound request's headers captured, its
 * metrics recorded) and OkHttp calls, sync and {@code enqueue}d from a pool, routed by the
 * walk-through's dark release ({@code mode: dev} to {@code user} v2, else v1) with the request's
 * headers.
 */
final class AppLoaderChecks {
  private AppLoaderChecks() {}

  /** The agent's options for service {@code front}: the dark release with the two user instances. */
  static Map<String, String> options(Path dir, String name, int adminPort, EchoServer v1, EchoServer v2)
      throws Exception {
    Path rules = MeshFile.scenario("40-dark-release.yaml").instances("user", "traffic-management", v1, v2)
        .write(dir, name + ".yaml");
    return Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
  }

  static void routedAndPropagated(ForkedService service, int adminPort) throws Exception {
    Map<String, String> dev = Map.of("mode", "dev");
    List<CallResult> sync = ServiceCalls.call(service, "okhttp", "request", 2, "http://user/echo", dev);
    List<CallResult> async = ServiceCalls.call(service, "okhttp-async", "executor", 2, "http://user/echo", dev);
    for (CallResult call : List.of(sync.get(0), sync.get(1), async.get(0), async.get(1))) {
      assertThat(call.version()).as(call.line() + "\n" + service.output()).isEqualTo("v2");
      assertThat(call.header("mode")).as(call.line()).isEqualTo("dev");
      assertThat(call.fields().get("host")).as(call.line()).isEqualTo("user");
    }
    // The id the filter gave the inbound request travels on to each of its calls.
    assertThat(sync.get(0).header("x-request-id")).isNotBlank().isEqualTo(sync.get(1).header("x-request-id"));
    assertThat(async.get(0).header("x-request-id")).isNotBlank()
        .isEqualTo(async.get(1).header("x-request-id"))
        .isNotEqualTo(sync.get(0).header("x-request-id"));

    List<CallResult> plain = ServiceCalls.call(service, "okhttp", "request", 2, "http://user/echo", Map.of());
    assertThat(plain).allSatisfy(call -> {
      assertThat(call.version()).as(call.line()).isEqualTo("v1");
      assertThat(call.header("mode")).as(call.line()).isNull();
    });

    String metrics = ServiceCalls.metrics(adminPort);
    assertThat(count(metrics, "source", "destination_version=\"v2\"")).as(metrics).isEqualTo(4);
    assertThat(count(metrics, "source", "destination_version=\"v1\"")).as(metrics).isEqualTo(2);
    // The three inbound requests, measured by the filter in the application's own loader.
    assertThat(count(metrics, "destination", "destination_workload=\"front\"")).as(metrics).isEqualTo(3);
    assertThat(metrics).as("no failure inside the agent").doesNotContain("inboard_agent_errors_total{");
  }

  /** The {@code istio_requests_total} of {@code reporter} with a 200 and {@code label}, or -1. */
  private static long count(String metrics, String reporter, String label) {
    Matcher sample = Pattern.compile(
            "(?m)^istio_requests_total\\{reporter=\"" + reporter + "\",[^}]*" + Pattern.quote(label)
                + "[^}]*response_code=\"200\"[^}]*\\} ([0-9]+)$")
        .matcher(metrics);
    return sample.find() ? Long.parseLong(sample.group(1)) : -1;
  }
}
