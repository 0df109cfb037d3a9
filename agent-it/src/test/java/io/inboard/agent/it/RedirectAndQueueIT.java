package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edges of outbound routing in a forked application ({@code app.EdgeApplication}): a redirect that
 * HttpURLConnection follows, and an OkHttp call that the dispatcher queues.
 */
class RedirectAndQueueIT {
  @TempDir Path dir;
  private final ForkedApplication application = new ForkedApplication();

  @AfterEach
  void stop() {
    application.close();
  }

  private HttpServer server(String body) throws IOException {
    return application.server(body);
  }

  private static String run(Path rules, String... args) throws Exception {
    return run(Jdks.available().get(0), rules, List.of(), args);
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  /** Runs the application on {@code jdk} with the agent and the extra system {@code properties}. */
  private static String run(Jdks.Jdk jdk, Path rules, List<String> properties, String... args) throws Exception {
    List<String> options = new ArrayList<>(properties);
    options.add("-Dinboard.propagate=my-header");
    return ForkedApplication.run(jdk, rules, "io.inboard.agent.it.app.EdgeApplication", options, args);
  }

  /**
   * A mesh service answers with a redirect to another host; HttpURLConnection follows it (its
   * default). The redirect must go where its Location says, not back to the first call's service.
   */
  @Test
  void httpUrlConnectionFollowsARedirectToTheHostItNames() throws Exception {
    HttpServer external = server("external");
    HttpServer order = server("order");
    String toExternal = "http://127.0.0.1:" + external.getAddress().getPort() + "/landing";
    HttpServer user = server("user");
    user.removeContext("/");
    user.createContext("/", exchange -> {
      String target = exchange.getRequestURI().getPath().equals("/to-order") ? "http://order/landing" : toExternal;
      boolean redirect = !exchange.getRequestURI().getPath().equals("/landing");
      byte[] bytes = ("user path=" + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      if (redirect) {
        exchange.getResponseHeaders().add("Location", target);
      }
      exchange.sendResponseHeaders(redirect ? 302 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    Path rules = MeshFile.empty()
        .instance("user-v1", "user", "traffic-management", user.getAddress().getPort(), "v1")
        .instance("order-v1", "order", "traffic-management", order.getAddress().getPort(), "v1")
        .write(dir, "mesh.yaml");

    String output = run(rules, "huc", "http://user/to-external", "http://user/to-order");

    assertThat(output).as(output).contains("RESULT 200 external path=/landing host=127.0.0.1:" + external.getAddress().getPort());
    // Routed to order's instance. Its Host is the instance's address: for a redirect the JDK sets
    // Host itself, from the URL the agent pointed at the instance (agent/README.md, Limitations).
    assertThat(output).as(output).contains("RESULT 200 order path=/landing");
  }

  /**
   * Of two instances of {@code user}, one refuses connections (nobody listens on its port). With
   * round robin, half the calls connect to it first; Istio's default retry policy (no
   * {@code retries} in the rule: connect-failure among its conditions) connects them again to the
   * other instance, so every {@code HttpURLConnection} call gets its 200 (with the mesh's
   * {@code Host}), and each is counted once, with the instance that answered.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void httpUrlConnectionsRefusedConnectIsRetriedOnTheOtherInstance(Jdks.Jdk jdk) throws Exception {
    HttpServer up = server("up");
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Path rules = MeshFile.empty()
        .with("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: user, namespace: traffic-management}
            spec:
              host: user
              trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
            """)
        .instance("user-down", "user", "traffic-management", closed, "v1")
        .instance("user-up", "user", "traffic-management", up.getAddress().getPort(), "v2")
        .write(dir, "mesh.yaml");
    int adminPort = ServiceCalls.freePort();

    String output = run(jdk, rules, List.of("-Dinboard.admin-port=" + adminPort),
        "huc", "http://user/list", "http://user/list", "http://user/list", "http://user/list");

    assertThat(output.lines().filter(l -> l.equals("RESULT 200 up path=/list host=user")).count()).as(output).isEqualTo(4);
    assertThat(output).as(output).doesNotContain("FAILED");
    List<String> counted = output.lines().filter(l -> l.startsWith("METRIC ") && l.contains("reporter=\"source\"")).toList();
    assertThat(counted).as(output).singleElement().asString()
        .contains("destination_version=\"v2\"").contains("response_code=\"200\"").endsWith(" 4");
  }

  /**
   * A rule's {@code timeout} shorter than the instance's answer: the application's
   * {@code HttpURLConnection} gets the {@code SocketTimeoutException} of a read timeout, as if it
   * had set one itself, after the rule's time.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void httpUrlConnectionGetsTheRulesTimeoutAsAReadTimeout(Jdks.Jdk jdk) throws Exception {
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.createContext("/", exchange -> {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "slow-user");
      thread.setDaemon(true);
      return thread;
    }));
    slow.start();
    application.stopAtEnd(slow);
    Path rules = MeshFile.empty()
        .with("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: user, namespace: traffic-management}
            spec:
              hosts: [user]
              http:
              - route:
                - destination: {host: user}
                timeout: 400ms
            """)
        .instance("user-v1", "user", "traffic-management", slow.getAddress().getPort(), "v1")
        .write(dir, "mesh.yaml");

    long start = System.nanoTime();
    String output = run(jdk, rules, List.of(), "huc", "http://user/list");

    assertThat(output).as(output).contains("FAILED java.net.SocketTimeoutException: Read timed out");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("start-up and 400 ms, not the 10 s answer")
        .isLessThan(java.time.Duration.ofMillis(8_000));
  }

  /**
   * A call made outside any request, queued by OkHttp's dispatcher behind a request's call, is
   * started by the dispatcher thread that finishes the request's call: it must not carry that
   * request's headers.
   */
  @Test
  void aQueuedOkHttpCallMadeOutsideARequestAndItsCallbacksCallsCarryNoRequestsHeaders() throws Exception {
    try (EchoServer v1 = new EchoServer("v1", "user-v1")) {
      Path rules = MeshFile.empty().instances("user", "traffic-management", v1).write(dir, "mesh.yaml");

      String output = run(rules, "okhttp-queue", "http://user/echo");

      assertThat(output).as(output).contains("INBOUND version=v1").contains("h.my-header=alice");
      String background = output.lines().filter(l -> l.startsWith("BACKGROUND ")).findFirst().orElseThrow();
      assertThat(background).as(output).contains("instance=user-v1").doesNotContain("my-header").doesNotContain("x-request-id");
      // Its callback ran on the thread that finished the request's call; a call made there carries
      // the callback's own (empty) context, not that request's headers.
      String nested = output.lines().filter(l -> l.startsWith("NESTED ")).findFirst().orElseThrow();
      assertThat(nested).as(output).contains("instance=user-v1").doesNotContain("my-header").doesNotContain("x-request-id");
    }
  }
}
