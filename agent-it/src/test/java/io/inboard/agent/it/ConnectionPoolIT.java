package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A DestinationRule's {@code connectionPool} in a service running with the agent: while one call to
 * {@code user} is in flight ({@code http2MaxRequests: 1}), every other call of the service, through
 * each routed client, gets a 503 at once instead of an exception, and once the call is over they
 * are served again; the overflows are counted on the admin endpoint. {@code HttpURLConnection} calls
 * count and are limited alike (a 503 with {@code x-envoy-overloaded} the connection reads as a
 * server's), and give their slot back however they end.
 */
class ConnectionPoolIT {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          connectionPool: {http: {http2MaxRequests: 1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - route:
          - destination: {host: user}
          retries: {attempts: 0}
      """;

  @TempDir static Path dir;
  private static EchoServer user;

  @BeforeAll
  static void startUser() throws Exception {
    user = new EchoServer("v1", "user-1");
  }

  @AfterAll
  static void stopUser() throws Exception {
    user.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  /** Two calls to {@code user} in flight at once, as Istio's circuit-breaking task sets it. */
  static final String TWO_IN_FLIGHT = RULES.replace(
      "connectionPool: {http: {http2MaxRequests: 1}}",
      "connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}");

  private static ForkedService start(Jdks.Jdk jdk, String rulesText, String name, int adminPort) throws Exception {
    Path rules = MeshFile.empty().with(rulesText).instances("user", "traffic-management", user)
        .write(dir, name + "-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    return ForkedService.start(name, jdk, "jetty", options, ForkedService.CLASSPATH);
  }

  /** {@code client}'s call to {@code target}, in a request of its own, while the test goes on. */
  private static CompletableFuture<CallResult> inFlight(ForkedService service, String client, String target) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return ServiceCalls.call(service, client, "request", 1, target, Map.of()).get(0);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** While two {@code HttpURLConnection} calls are held, another of each client is turned away; then they are served. */
  private static void twoHeldThenTheNextTurnedAway(ForkedService service, String... turnedAway) throws Exception {
    List<CompletableFuture<CallResult>> held = List.of(
        inFlight(service, "huc", "http://user/echo?delay=3000"),
        inFlight(service, "huc-stream", "http://user/echo?delay=3000"));
    Thread.sleep(1_000); // both held calls are in flight by now
    long start = System.nanoTime();
    for (String client : turnedAway) {
      for (CallResult c : ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of())) {
        if (client.equals("huc-stream")) { // the input stream first: a 503 makes it throw, as a server's does
          assertThat(c.error()).as(client + ": " + c.line())
              .isEqualTo("IOException: Server returned HTTP response code: 503 for URL: http://user/echo");
        } else {
          assertThat(c.status()).as(client + ": " + c.line()).isEqualTo(503);
        }
        if (client.equals("huc")) {
          assertThat(c.fields()).as(c.line()).containsEntry("overloaded", "true")
              .containsEntry("reason", "upstream_overflow:_2_requests_in_flight_already_(connectionPool)");
        }
      }
    }
    assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once").isLessThan(1_800);
    for (CompletableFuture<CallResult> call : held) {
      CallResult c = call.get();
      assertThat(c.status()).as(c.line()).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void urlConnectionCallsAreCountedAndLimitedAndGiveTheirSlotBackHoweverTheyEnd(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service = start(jdk, TWO_IN_FLIGHT, "huc-pool", adminPort)) {
      // Two HttpURLConnection calls fill the destination for every client of the JVM.
      twoHeldThenTheNextTurnedAway(service, "huc", "huc-stream", "huc-unread", "okhttp", "jdk");

      // Each way a call can end, more times than the limit: a slot kept by any of them would show.
      for (int round = 0; round < 3; round++) {
        assertThat(ServiceCalls.call(service, "huc", "request", 1, "http://user/echo", Map.of()))
            .singleElement().satisfies(c -> assertThat(c.status()).as("body read: " + c.line()).isEqualTo(200));
        assertThat(ServiceCalls.call(service, "huc-stream", "request", 1, "http://user/echo", Map.of()))
            .singleElement().satisfies(c -> assertThat(c.status()).as("body read first: " + c.line()).isEqualTo(200));
        assertThat(ServiceCalls.call(service, "huc-unread", "request", 1, "http://user/echo", Map.of()))
            .singleElement().satisfies(c -> assertThat(c.status()).as("unread, disconnected: " + c.line()).isEqualTo(200));
        assertThat(ServiceCalls.call(service, "huc-timeout", "request", 1, "http://user/echo?delay=1500", Map.of()))
            .singleElement().satisfies(c -> assertThat(c.error()).as("read timed out: " + c.line())
                .startsWith("SocketTimeoutException"));
      }
      Thread.sleep(1_500); // the timed-out calls' answers have come and gone at the server

      // Exactly two fit again: none leaked, none given back twice.
      twoHeldThenTheNextTurnedAway(service, "huc");
      for (String client : List.of("huc", "huc-unread", "okhttp")) {
        assertThat(ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of()))
            .as(client).allSatisfy(c -> assertThat(c.status()).as(c.line()).isEqualTo(200));
      }

      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics).contains("inboard_connection_pool_overflow_total{destination_service="
          + "\"user.traffic-management.svc.cluster.local\",destination_subset=\"\",limit=\"requests\"} 12");
      assertThat(metrics).containsPattern("istio_requests_total\\{[^}]*response_code=\"503\",response_flags=\"UO\"\\} 12");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void callsBeyondTheLimitGetA503AtOnceFromEveryRoutedClient(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", user)
        .write(dir, "pool-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    try (ForkedService service = ForkedService.start("pool", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      List<String> clients = List.of("okhttp", "okhttp-async", "jdk", "jdk-async");
      CompletableFuture<List<CallResult>> held = CompletableFuture.supplyAsync(() -> {
        try {
          return ServiceCalls.call(service, "okhttp", "request", 1, "http://user/echo?delay=4000", Map.of());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(1_000); // the held call is in flight by now
      for (String client : clients) {
        long start = System.nanoTime();
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of());
        assertThat(calls).as(client + ": " + calls).allSatisfy(c -> {
          assertThat(c.error()).as(c.line()).isNull();
          assertThat(c.status()).as(c.line()).isEqualTo(503);
        });
        assertThat((System.nanoTime() - start) / 1_000_000).as(client + " answered at once").isLessThan(2_000);
      }
      assertThat(held.get()).singleElement().satisfies(c -> assertThat(c.status()).as(c.line()).isEqualTo(200));
      for (String client : clients) {
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of());
        assertThat(calls).as(client + ": " + calls).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
      }
      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics).contains("inboard_connection_pool_overflow_total{destination_service="
          + "\"user.traffic-management.svc.cluster.local\",destination_subset=\"\",limit=\"requests\"} 8");
      assertThat(metrics).contains("response_flags=\"UO\"");
    }
  }
}
