package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answers the mesh gives {@code HttpURLConnection} calls itself, in a forked service on each
 * JDK: an injected abort, no instance, no route and direct responses reach the application as a
 * server's answers would (status and message, headers, the JDK's own exception from
 * {@code getInputStream}, the body from {@code getErrorStream}), recorded with Envoy's response
 * flags; an injected delay comes before the abort; a destination's {@code tcp.connectTimeout} ends a
 * connect that never completes, long before the application's own 10 s.
 */
class UrlConnectionAnswerIT {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v3, labels: {version: v3}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - match: [{uri: {prefix: /abort}}]
          fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
          route: [{destination: {host: user, subset: v1}}]
        - match: [{uri: {prefix: /late-abort}}]
          fault:
            delay: {fixedDelay: 400ms, percentage: {value: 100}}
            abort: {httpStatus: 503, percentage: {value: 100}}
          route: [{destination: {host: user, subset: v1}}]
        - match: [{uri: {prefix: /maintenance}}]
          directResponse: {status: 503, body: {string: "down for maintenance"}}
        - match: [{uri: {prefix: /hello}}]
          directResponse: {status: 200, body: {string: "hello from the mesh"}}
        - match: [{uri: {prefix: /v3}}]
          route: [{destination: {host: user, subset: v3}}]
        - match: [{uri: {prefix: /echo}}]
          route: [{destination: {host: user, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: blackhole, namespace: traffic-management}
      spec:
        host: blackhole
        trafficPolicy:
          connectionPool: {tcp: {connectTimeout: 300ms}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: blackhole, namespace: traffic-management}
      spec:
        hosts: [blackhole]
        http:
        - route: [{destination: {host: blackhole}}]
          retries: {attempts: 0}
      """;

  @TempDir static Path dir;
  private static EchoServer user;
  /** A listener whose backlog is full (two connections made, never accepted): a new connect never completes. */
  private static ServerSocket blackhole;
  private static Socket first;
  private static Socket second;

  @BeforeAll
  static void start() throws Exception {
    user = new EchoServer("v1", "user-1");
    blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    first = new Socket();
    first.connect(blackhole.getLocalSocketAddress(), 5_000);
    second = new Socket();
    second.connect(blackhole.getLocalSocketAddress(), 5_000);
  }

  @AfterAll
  static void stop() throws Exception {
    user.close();
    first.close();
    second.close();
    blackhole.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private static CallResult call(ForkedService service, String target) throws Exception {
    return ServiceCalls.call(service, "huc-answer", "request", 1, target, Map.of()).get(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void theMeshsOwnAnswersAreReadAsAServersAndCountedWithEnvoysFlags(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", user)
        .instance("blackhole-1", "blackhole", "traffic-management", blackhole.getLocalPort(), "v1")
        .write(dir, "huc-answers-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    try (ForkedService service = ForkedService.start("huc-answers", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      CallResult served = call(service, "http://user/echo");
      assertThat(served.status()).as(served.line()).isEqualTo(200);
      assertThat(served.fields()).as(served.line()).containsEntry("reason", "null");

      CallResult aborted = call(service, "http://user/abort/x");
      assertThat(aborted.fields()).as(aborted.line())
          .containsEntry("status", "418")
          .containsEntry("message", "I'm_a_teapot")
          .containsEntry("reason", "fault_injected")
          .containsEntry("type", "text/plain;_charset=utf-8")
          .containsEntry("length", "0")
          .containsEntry("input", "IOException:Server_returned_HTTP_response_code:_418_for_URL:_http://user/abort/x")
          .containsEntry("body", "");

      CallResult late = call(service, "http://user/late-abort");
      assertThat(late.status()).as(late.line()).isEqualTo(503);
      assertThat(Long.parseLong(late.fields().get("took"))).as("the delay first: " + late.line())
          .isGreaterThanOrEqualTo(400);

      CallResult maintenance = call(service, "http://user/maintenance");
      assertThat(maintenance.fields()).as(maintenance.line())
          .containsEntry("status", "503")
          .containsEntry("message", "Service_Unavailable")
          .containsEntry("body", "down_for_maintenance");

      CallResult hello = call(service, "http://user/hello");
      assertThat(hello.fields()).as("connected, read as a cached answer: " + hello.line())
          .containsEntry("status", "200")
          .containsEntry("message", "OK")
          .containsEntry("input", "read:hello_from_the_mesh")
          .containsEntry("body", "null");

      CallResult noInstance = call(service, "http://user/v3/list");
      assertThat(noInstance.fields()).as(noInstance.line())
          .containsEntry("status", "503")
          .containsEntry("input", "IOException:Server_returned_HTTP_response_code:_503_for_URL:_http://user/v3/list");
      assertThat(noInstance.fields().get("reason")).as(noInstance.line()).isNotEqualTo("null");

      CallResult noRoute = call(service, "http://user/nowhere");
      assertThat(noRoute.fields()).as(noRoute.line())
          .containsEntry("status", "404")
          .containsEntry("message", "Not_Found")
          .containsEntry("input", "FileNotFoundException:http://user/nowhere");

      // The application allows 10 s to connect; the destination's 300 ms ends it.
      long start = System.nanoTime();
      CallResult timedOut = call(service, "http://blackhole/x");
      assertThat(timedOut.error()).as(timedOut.line()).isEqualTo("SocketTimeoutException: Connect timed out");
      assertThat((System.nanoTime() - start) / 1_000_000).as("well before the application's own 10 s")
          .isLessThan(8_000);

      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics)
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"418\",response_flags=\"FI\"\\} 1\\b")
          .containsPattern("istio_requests_total\\{[^}]*destination_service=\"user[^}]*response_code=\"503\","
              + "response_flags=\"FI\"\\} 1\\b")
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"503\",response_flags=\"UH\"\\} 1\\b")
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"404\",response_flags=\"NR\"\\} 1\\b")
          .containsPattern("istio_requests_total\\{[^}]*destination_service=\"blackhole[^}]*response_code=\"0\","
              + "response_flags=\"UF\"\\} 1\\b");
    }
  }
}
