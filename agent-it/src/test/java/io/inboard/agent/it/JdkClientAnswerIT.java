package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answers the mesh gives {@code HttpClient} calls itself, in a forked service on each JDK, for
 * {@code send} (read as a string) and {@code sendAsync} (read as an input stream): an injected
 * abort, no instance, no route, direct responses and a redirect reach the application as responses
 * with the status, headers and body a server's answer would have (as OkHttp and
 * {@code HttpURLConnection} get them), not as exceptions; an injected delay comes before the abort;
 * each call is recorded with Envoy's response flag.
 */
class JdkClientAnswerIT {
  /** {@link UrlConnectionAnswerIT}'s rules, with a redirect. */
  static final String RULES = UrlConnectionAnswerIT.RULES.replace(
      "  - match: [{uri: {prefix: /echo}}]",
      "  - match: [{uri: {prefix: /old}}]\n    redirect: {uri: /new}\n  - match: [{uri: {prefix: /echo}}]");

  @TempDir static Path dir;
  private static EchoServer user;

  @BeforeAll
  static void start() throws Exception {
    user = new EchoServer("v1", "user-1");
  }

  @AfterAll
  static void stop() throws Exception {
    user.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void theMeshsOwnAnswersAreResponsesForSendAndSendAsyncCountedWithEnvoysFlags(Jdks.Jdk jdk) throws Exception {
    assertThat(RULES).contains("redirect: {uri: /new}");
    int adminPort = ServiceCalls.freePort();
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", user)
        .write(dir, "jdk-answers-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    List<String> clients = List.of("jdk-answer", "jdk-async-answer");
    try (ForkedService service = ForkedService.start("jdk-answers", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      for (String client : clients) {
        CallResult served = ServiceCalls.call(service, client, "request", 1, "http://user/echo", Map.of()).get(0);
        assertThat(served.fields()).as(client + ": " + served.line())
            .containsEntry("status", "200").containsEntry("reason", "null");

        CallResult aborted = ServiceCalls.call(service, client, "request", 1, "http://user/abort/x", Map.of()).get(0);
        assertThat(aborted.fields()).as(client + ": " + aborted.line())
            .containsEntry("status", "418")
            .containsEntry("reason", "fault_injected")
            .containsEntry("type", "text/plain;_charset=utf-8")
            .containsEntry("length", "0")
            .containsEntry("location", "null")
            .containsEntry("version", "HTTP_1_1")
            .containsEntry("previous", "false")
            .containsEntry("uri", "http://user/abort/x")
            .containsEntry("body", "");

        CallResult late = ServiceCalls.call(service, client, "request", 1, "http://user/late-abort", Map.of()).get(0);
        assertThat(late.status()).as(client + ": " + late.line()).isEqualTo(503);
        assertThat(Long.parseLong(late.fields().get("took"))).as("the delay first: " + late.line())
            .isGreaterThanOrEqualTo(400);

        CallResult maintenance =
            ServiceCalls.call(service, client, "request", 1, "http://user/maintenance", Map.of()).get(0);
        assertThat(maintenance.fields()).as(client + ": " + maintenance.line())
            .containsEntry("status", "503")
            .containsEntry("length", Integer.toString("down for maintenance".length()))
            .containsEntry("body", "down_for_maintenance");

        CallResult hello = ServiceCalls.call(service, client, "request", 1, "http://user/hello", Map.of()).get(0);
        assertThat(hello.fields()).as(client + ": " + hello.line())
            .containsEntry("status", "200")
            .containsEntry("body", "hello_from_the_mesh");

        CallResult old = ServiceCalls.call(service, client, "request", 1, "http://user/old?page=2", Map.of()).get(0);
        assertThat(old.fields()).as("not followed, as OkHttp's is not: " + old.line())
            .containsEntry("status", "301")
            .containsEntry("location", "http://user/new?page=2")
            .containsEntry("previous", "false")
            .containsEntry("body", "");

        CallResult noInstance =
            ServiceCalls.call(service, client, "request", 1, "http://user/v3/list", Map.of()).get(0);
        assertThat(noInstance.status()).as(client + ": " + noInstance.line()).isEqualTo(503);
        assertThat(noInstance.fields().get("reason")).as(client + ": " + noInstance.line()).isNotEqualTo("null");

        CallResult noRoute = ServiceCalls.call(service, client, "request", 1, "http://user/nowhere", Map.of()).get(0);
        assertThat(noRoute.status()).as(client + ": " + noRoute.line()).isEqualTo(404);
      }

      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics)
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"418\",response_flags=\"FI\"\\} 2\\b")
          .containsPattern("istio_requests_total\\{[^}]*destination_service=\"user[^}]*response_code=\"503\","
              + "response_flags=\"FI\"\\} 2\\b")
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"503\",response_flags=\"UH\"\\} 2\\b")
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"404\",response_flags=\"NR\"\\} 2\\b")
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"301\"[^}]*\\} 2\\b");
    }
  }
}
