package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inboard.bridge.UrlAnswer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The answers the mesh gives {@code HttpURLConnection} calls itself (an injected abort, no instance,
 * no route, direct responses, a redirect), decided by the real router and written into real JDK
 * connections as the woven {@code plainConnect} writes them: the application reads each as it
 * reads the same answer from a real Jetty server on 127.0.0.1 (status, message, headers, the JDK's
 * own exception from {@code getInputStream}, the body from {@code getErrorStream} or
 * {@code getInputStream}), nothing is sent, and the call is recorded once with its status.
 */
class UrlConnectionAnswerTest {
  private static final String RULES = AnsweringMesh.RULES;

  private AnsweringMesh mesh;
  private AtomicInteger hits;
  private List<String> recorded;
  private int port;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = new AnsweringMesh();
    hits = mesh.hits;
    recorded = mesh.recorded;
    port = mesh.port;
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  /** The agent's routing over {@code rules}, recording each call it records. */
  private UrlConnectionRouting routing(String rules) {
    return routing(rules, port);
  }

  /** As {@link #routing(String)}, with the one instance of {@code user} on {@code instancePort}. */
  private UrlConnectionRouting routing(String rules, int instancePort) {
    return new UrlConnectionRouting(calls(rules, instancePort));
  }

  private MeshCalls calls(String rules, int instancePort) {
    return mesh.calls(rules, instancePort);
  }

  private static HttpURLConnection open(String url) throws IOException {
    return (HttpURLConnection) new URL(url).openConnection();
  }

  /**
   * What the woven {@code plainConnect} does on entry: asks the routing, and writes the mesh's answer
   * into the connection. Returns what the connect throws ({@code null}: it connected).
   */
  private static IOException connect(UrlConnectionRouting routing, HttpURLConnection connection) {
    Object routed = routing.connecting(connection, connection.getURL());
    assertThat(routed).as("the mesh answers this call itself").isInstanceOf(UrlAnswer.class);
    return ((UrlAnswer) routed).give(connection, connection.getURL());
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The exception {@code getInputStream} throws for a real server's {@code status}. */
  private Throwable serversFailure(int status) throws IOException {
    HttpURLConnection server = open("http://127.0.0.1:" + port + "/status/" + status);
    Throwable failure = catchThrowable(server::getInputStream);
    assertThat(server.getResponseCode()).isEqualTo(status);
    server.disconnect();
    return failure;
  }

  @Test
  void anInjectedAbortIsReadAsAServersAnswerWithItsStatusHeadersAndTheJdksException() throws Exception {
    UrlConnectionRouting routing = routing(RULES);
    HttpURLConnection connection = open("http://user/abort/x?y=1");
    IOException thrown = connect(routing, connection);

    Throwable servers = serversFailure(418);
    assertThat(thrown).hasSameClassAs(servers)
        .hasMessage("Server returned HTTP response code: 418 for URL: http://user/abort/x?y=1");
    assertThat(connection.getErrorStream()).as("asked before the status, as after a server's error").isNotNull();
    assertThat(connection.getResponseCode()).isEqualTo(418);
    assertThat(connection.getResponseMessage()).isEqualTo("I'm a teapot");
    assertThat(connection.getHeaderField(InboardInterceptor.REASON_HEADER)).isEqualTo("fault injected");
    assertThat(connection.getContentType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(connection.getContentLength()).isZero();
    assertThat(catchThrowable(connection::getInputStream)).hasSameClassAs(servers)
        .hasMessage(thrown.getMessage());
    assertThat(read(connection.getErrorStream())).as("OkHttp's abort has no body either").isEmpty();
    assertThat(recorded).containsExactly("418 ROUTE 418");
    assertThat(hits).as("nothing sent: the one request is the real server's").hasValue(1);
  }

  @Test
  void aDelayedAbortWaitsTheDelayFirst() throws Exception {
    UrlConnectionRouting routing = routing(RULES);
    HttpURLConnection connection = open("http://user/late-abort");
    long start = System.nanoTime();
    IOException thrown = connect(routing, connection);
    assertThat((System.nanoTime() - start) / 1_000_000).as("the fault's delay, then the abort").isGreaterThanOrEqualTo(300);
    assertThat(thrown).hasMessage("Server returned HTTP response code: 503 for URL: http://user/late-abort");
    assertThat(connection.getResponseCode()).isEqualTo(503);
    assertThat(connection.getResponseMessage()).isEqualTo("Service Unavailable");
    assertThat(recorded).containsExactly("503 ROUTE 503");
  }

  @Test
  void noInstanceIsA503AndNoRouteA404ReadAsTheJdkReadsAServersOnes() throws Exception {
    UrlConnectionRouting routing = routing(RULES);
    HttpURLConnection noInstance = open("http://user/v3/list");
    IOException unavailable = connect(routing, noInstance);
    assertThat(unavailable).hasSameClassAs(serversFailure(503))
        .hasMessage("Server returned HTTP response code: 503 for URL: http://user/v3/list");
    assertThat(noInstance.getResponseCode()).isEqualTo(503);
    assertThat(noInstance.getHeaderField(InboardInterceptor.REASON_HEADER)).isNotBlank();

    HttpURLConnection noRoute = open("http://user/nowhere");
    IOException notFound = connect(routing, noRoute);
    assertThat(notFound).isInstanceOf(FileNotFoundException.class).hasSameClassAs(serversFailure(404))
        .hasMessage("http://user/nowhere");
    assertThat(noRoute.getResponseCode()).isEqualTo(404);
    assertThat(noRoute.getResponseMessage()).isEqualTo("Not Found");
    assertThat(catchThrowable(noRoute::getInputStream)).isInstanceOf(FileNotFoundException.class);
    assertThat(recorded).containsExactly("503 NO_INSTANCE 0", "404 NO_ROUTE 0");
    assertThat(hits).as("only the real server's answers").hasValue(2);
  }

  @Test
  void directResponsesGiveTheirBodyThroughTheErrorStreamOrTheInputStream() throws Exception {
    UrlConnectionRouting routing = routing(RULES);
    HttpURLConnection maintenance = open("http://user/maintenance");
    assertThat(connect(routing, maintenance)).hasMessageContaining("503");
    assertThat(maintenance.getResponseCode()).isEqualTo(503);
    assertThat(maintenance.getContentLength()).isEqualTo("down for maintenance".length());
    assertThat(read(maintenance.getErrorStream())).isEqualTo("down for maintenance");

    HttpURLConnection hello = open("http://user/hello");
    assertThat(connect(routing, hello)).as("a 200 connects").isNull();
    assertThat(hello.getResponseCode()).isEqualTo(200);
    assertThat(hello.getResponseMessage()).isEqualTo("OK");
    assertThat(read(hello.getInputStream())).isEqualTo("hello from the mesh");
    assertThat(hello.getErrorStream()).isNull();
    hello.connect(); // connected already: nothing more happens

    HttpURLConnection old = open("http://user/old?page=2");
    old.setInstanceFollowRedirects(false);
    assertThat(connect(routing, old)).isNull();
    assertThat(old.getResponseCode()).as("not followed by a connection that does not follow").isEqualTo(301);
    assertThat(old.getHeaderField("Location")).isEqualTo("http://user/new?page=2");
    assertThat(read(old.getInputStream())).isEmpty();
    assertThat(recorded).containsExactly("503 DIRECT_RESPONSE 0", "200 DIRECT_RESPONSE 0", "301 REDIRECT 0");
    assertThat(hits).hasValue(0);
  }

  @Test
  void aConnectionThatMaySendABodyReadsAnErrorAnswerAndFallsBackToTheRefusalForAnyOther() throws Exception {
    UrlConnectionRouting routing = routing(RULES);
    HttpURLConnection post = open("http://user/abort");
    post.setDoOutput(true);
    IOException thrown = connect(routing, post);
    assertThat(thrown).hasMessage("Server returned HTTP response code: 418 for URL: http://user/abort");
    assertThat(post.getResponseCode()).isEqualTo(418);
    assertThat(post.getHeaderField(InboardInterceptor.REASON_HEADER)).isEqualTo("fault injected");
    assertThat(post.getErrorStream()).as("not connected: its output stream would need a socket").isNull();

    HttpURLConnection hello = open("http://user/hello");
    hello.setDoOutput(true);
    assertThat(connect(routing, hello)).isInstanceOf(RefusedCall.class)
        .hasMessageContaining("inboard answered 200 for");
    assertThat(hits).hasValue(0);
  }

  @Test
  void okHttpGetsTheSameStatusReasonAndBodyAndItsDelayedAbortWaitsToo() throws Exception {
    MeshCalls calls = calls(RULES, port);
    UrlConnectionRouting routing = new UrlConnectionRouting(calls);
    OkHttpClient okhttp = new OkHttpClient.Builder().addInterceptor(new InboardInterceptor(calls)).build();
    for (String path : List.of("/abort", "/maintenance", "/v3/x", "/nowhere")) {
      HttpURLConnection connection = open("http://user" + path);
      connect(routing, connection);
      InputStream error = connection.getErrorStream();
      try (Response response = okhttp.newCall(new Request.Builder().url("http://user" + path).build()).execute()) {
        assertThat(connection.getResponseCode()).as(path).isEqualTo(response.code());
        assertThat(connection.getHeaderField(InboardInterceptor.REASON_HEADER)).as(path)
            .isEqualTo(response.header(InboardInterceptor.REASON_HEADER));
        assertThat(connection.getContentType()).as(path).isEqualTo(String.valueOf(response.body().contentType()));
        assertThat(read(error)).as(path).isEqualTo(response.body().string());
      }
    }
    long start = System.nanoTime();
    try (Response response = okhttp.newCall(new Request.Builder().url("http://user/late-abort").build()).execute()) {
      assertThat(response.code()).isEqualTo(503);
    }
    assertThat((System.nanoTime() - start) / 1_000_000).as("the fault's delay, then the abort").isGreaterThanOrEqualTo(300);
    assertThat(hits).hasValue(0);
  }

  private static final String CONNECT_TIMEOUT_RULES = RULES.replace(
      "  host: user\n  subsets:", "  host: user\n  trafficPolicy: {connectionPool: {tcp: {connectTimeout: 250ms}}}\n  subsets:");

  @Test
  void aConnectionPoolsConnectTimeoutBoundsTheConnectUnlessTheApplicationsIsShorter() throws Exception {
    UrlConnectionRouting routing = routing(CONNECT_TIMEOUT_RULES);
    for (int own : new int[] {0, 10_000, 100}) {
      HttpURLConnection connection = open("http://user/ok");
      connection.setConnectTimeout(own);
      Object target = routing.connecting(connection, connection.getURL());
      assertThat(target).isInstanceOf(URL.class);
      assertThat(connection.getConnectTimeout()).as("the application's " + own)
          .isEqualTo(own == 100 ? 100 : 250);
      assertThat(connection.getReadTimeout()).as("reads are not bounded by it").isZero();
      routing.ended(connection);
    }

    UrlConnectionRouting withTimeout = routing(CONNECT_TIMEOUT_RULES.replace("- match: [{uri: {prefix: /ok}}]\n    route: [{destination: {host: user}}]",
            "- match: [{uri: {prefix: /ok}}]\n    route: [{destination: {host: user}}]\n    timeout: 80ms"));
    HttpURLConnection connection = open("http://user/ok");
    withTimeout.connecting(connection, connection.getURL());
    assertThat(connection.getConnectTimeout()).as("the rule's shorter timeout").isEqualTo(80);
    assertThat(connection.getReadTimeout()).isEqualTo(80);

    UrlConnectionRouting without = routing(RULES);
    HttpURLConnection untouched = open("http://user/ok");
    untouched.setConnectTimeout(1_234);
    without.connecting(untouched, untouched.getURL());
    assertThat(untouched.getConnectTimeout()).as("no connectionPool: the application's own").isEqualTo(1_234);
  }

  /**
   * A real connect that never completes: the instance's listen backlog is full (two connections
   * made and never accepted), so the kernel drops the next SYN. The application set no connect
   * timeout (0: wait as long as the kernel does, minutes); the rule's 250 ms ends it with the JDK's
   * own {@code SocketTimeoutException}.
   */
  @Test
  @Timeout(60)
  void aConnectThatNeverCompletesTimesOutAfterTheConnectionPoolsConnectTimeout() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket first = new Socket();
        Socket second = new Socket()) {
      first.connect(full.getLocalSocketAddress(), 5_000);
      second.connect(full.getLocalSocketAddress(), 5_000);
      UrlConnectionRouting routing = routing(CONNECT_TIMEOUT_RULES, full.getLocalPort());
      HttpURLConnection connection = open("http://127.0.0.1:" + full.getLocalPort() + "/ok");
      connection.setRequestProperty("Host", "user");
      assertThat(connection.getConnectTimeout()).isZero();
      assertThat(routing.connecting(connection, connection.getURL())).as("to the instance it names")
          .isEqualTo(connection.getURL());
      assertThat(catchThrowable(connection::getInputStream))
          .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("timed out");
      assertThat(connection.getConnectTimeout()).isEqualTo(250);
    }
  }
}
