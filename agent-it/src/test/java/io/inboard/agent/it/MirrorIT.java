package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rule's {@code mirror} applied by the agent in a real service: each routed OkHttp and
 * {@code HttpClient} call is copied to the mirror's instance with {@code Host: user-shadow} and the
 * headers the agent propagated, while the application gets the routed instance's answer;
 * {@code HttpURLConnection} calls are not copied; the admin endpoint counts both.
 */
class MirrorIT {
  static final List<String> MIRRORED = List.of("okhttp", "okhttp-async", "jdk", "jdk-async");

  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
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
        - route:
          - destination: {host: user, subset: v1}
          mirror: {host: user, subset: v2}
      """;

  @TempDir static Path dir;
  private static EchoServer v1;
  private static EchoServer v2;

  @BeforeAll
  static void startUser() throws Exception {
    v1 = new EchoServer("v1", "user-v1");
    v2 = new EchoServer("v2", "user-v2");
  }

  @AfterAll
  static void stopUser() throws Exception {
    v1.close();
    v2.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private static ForkedService service(Jdks.Jdk jdk, String name, String classpath, int adminPort) throws Exception {
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
        .write(dir, name + "-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort),
        "inboard.propagate", "my-header");
    return ForkedService.start(name, jdk, "jetty", options, classpath);
  }

  /** Calls {@code client} once and waits for the copy: the line the mirror instance answered to it. */
  private static String mirroredCall(ForkedService service, String client, String thread) throws Exception {
    int before = v2.received.size();
    CallResult call = ServiceCalls.call(service, client, thread, 1, Map.of("my-header", "alice")).get(0);
    assertThat(call.status()).as(client + ": " + call.line()).isEqualTo(200);
    assertThat(call.version()).as(client + ": the application gets the routed answer: " + call.line()).isEqualTo("v1");
    assertThat(call.fields().get("host")).as(client + ": " + call.line()).isEqualTo("user");
    assertThat(call.header("my-header")).as(client + ": " + call.line()).isEqualTo("alice");
    await().atMost(Duration.ofSeconds(20)).until(() -> v2.received.size() > before);
    return v2.received.get(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void routedCallsAreCopiedToTheMirrorWithTheShadowHostAndThePropagatedHeaders(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service = service(jdk, "mirror", ForkedService.CLASSPATH, adminPort)) {
      for (String client : MIRRORED) {
        for (String thread : List.of("request", "executor")) {
          String copy = mirroredCall(service, client, thread);
          assertThat(copy).as(client + " on " + thread)
              .contains(" host=user-shadow ")
              .contains(" path=/echo ")
              .contains(" h.my-header=alice")
              .contains(" h.x-request-id=");
        }
      }

      int before = v2.received.size();
      CallResult huc = ServiceCalls.call(service, "huc", "request", 1, Map.of("my-header", "alice")).get(0);
      assertThat(huc.version()).as(huc.line()).isEqualTo("v1");

      // A copy is counted once its answer is read, just after the mirror instance sent it.
      String answered = "inboard_agent_mirrors_total{result=\"answered\"} " + 2 * MIRRORED.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> ServiceCalls.metrics(adminPort).contains(answered));
      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics)
          .contains("inboard_agent_mirrors_total{result=\"client-not-mirrored\"} 1")
          .doesNotContain("inboard_agent_errors_total{");
      assertThat(v2.received).as("HttpURLConnection's call is not copied").hasSize(before);
      // Copies are not the application's calls: istio_requests_total counts only the routed ones.
      assertThat(metrics).doesNotContain("destination_version=\"v2\"");
    }
  }

  @Test
  void okHttp4CallsAreCopiedToo() throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    try (ForkedService service =
        service(jdk, "mirror-okhttp4", ForkedService.classpathWithOkHttp4(), ServiceCalls.freePort())) {
      for (String client : List.of("okhttp", "okhttp-plain", "okhttp-async")) {
        String copy = mirroredCall(service, client, "request");
        assertThat(copy).as(client).contains(" host=user-shadow ").contains(" h.user-agent=okhttp/4.");
      }
    }
  }
}
