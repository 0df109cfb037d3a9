package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DestinationRule's {@code connectionPool} at the gateway, against a real slow upstream on
 * 127.0.0.1: requests beyond the limit are answered 503 with {@code x-envoy-overloaded} at once,
 * the others are served, and every slot comes back however its request ended.
 */
class ConnectionPoolTest {
  private static final String HOST = UserServiceMesh.HOST;

  @TempDir Path dir;

  private InboardGateway start(String retries, String trafficPolicy, EchoUpstream upstream) throws Exception {
    return UserServiceMesh.start(dir, UserServiceMesh.rules(retries, trafficPolicy)
        + UserServiceMesh.instance(upstream.id, upstream.port()));
  }

  private static CompletableFuture<ContentResponse> getAsync(TestClient client, String path) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return client.get(HOST, path);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void awaitRequests(EchoUpstream upstream, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.requests.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(upstream.requests.get()).as("requests at the upstream").isEqualTo(count);
  }

  /** The {@code connectionPool} part of the gateway's {@code /explain} for the service. */
  private static JsonNode connectionPool(TestClient admin) throws Exception {
    String explained = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
    return new ObjectMapper().readTree(explained).get("connectionPool");
  }

  @Test
  void requestsBeyondTheLimitAreAnswered503OverloadedAtOnceAndTheSlotsComeBack() throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"))) {
      // maxConnections + http1MaxPendingRequests = 2 requests in flight.
      try (InboardGateway gw = start("{attempts: 0}",
              "{connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}}", upstream);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        List<CompletableFuture<ContentResponse>> held = new ArrayList<>();
        held.add(getAsync(client, "/gated"));
        held.add(getAsync(client, "/gated"));
        awaitRequests(upstream, 2);

        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          ContentResponse r = client.get(HOST, "/");
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertThat(r.getStatus()).isEqualTo(503);
          assertThat(r.getHeaders().get("x-envoy-overloaded")).isEqualTo("true");
          assertThat(r.getContentAsString()).contains("upstream overflow: user.shop.svc.cluster.local already "
              + "has 2 requests in flight from this gateway");
          assertThat(millis).as("answered at once, not queued").isLessThan(1_000);
        }
        assertThat(upstream.requests.get()).as("nothing sent for the turned-away requests").isEqualTo(2);
        JsonNode pool = connectionPool(admin);
        assertThat(pool.get("maxRequests").asLong()).isEqualTo(2);
        assertThat(pool.get("maxRetries").asLong()).isEqualTo(4_294_967_295L);
        assertThat(pool.get("requestsInFlight").asInt()).isEqualTo(2);

        upstream.gate.countDown();
        for (CompletableFuture<ContentResponse> f : held) {
          assertThat(f.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
        // Both slots are free again: two at once are served.
        List<CompletableFuture<ContentResponse>> again = List.of(getAsync(client, "/slow?ms=200"),
            getAsync(client, "/slow?ms=200"));
        for (CompletableFuture<ContentResponse> f : again) {
          assertThat(f.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
        String metrics = admin.get("127.0.0.1", "/metrics").getContentAsString();
        assertThat(metrics).containsPattern("inboard_connection_pool_overflow_total\\{destination_service="
            + "\"user.shop.svc.cluster.local\",destination_subset=\"\",limit=\"requests\",?\\} 3\\.0");
        assertThat(metrics).contains("response_flags=\"UO\"");
      }
    }
  }

  @Test
  void requestsThatFailOrTimeOutGiveTheirSlotBack() throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"))) {
      // A per-try timeout long enough that a reset is seen as one on a loaded machine (with 100 ms a
      // reset could be cut off by the timeout first and answered 504).
      String retries = "{attempts: 1, perTryTimeout: 500ms, retryOn: \"5xx,reset\"}";
      try (InboardGateway gw = start(retries, "{connectionPool: {http: {http2MaxRequests: 1}}}", upstream);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        for (int i = 0; i < 3; i++) {
          assertThat(client.get(HOST, "/slow?ms=2000").getStatus()).as("per-try timeouts").isEqualTo(504);
          assertThat(client.get(HOST, "/reset").getStatus()).as("resets").isEqualTo(502);
          assertThat(client.get(HOST, "/status/500").getStatus()).as("5xx").isEqualTo(500);
        }
        // A client that hangs up while its answer streams.
        CompletableFuture<ContentResponse> cut = getAsync(client, "/download?mb=512");
        Thread.sleep(200);
        cut.cancel(true);
        client.jetty().stop();
        client.jetty().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode pool;
        do {
          Thread.sleep(20);
          pool = connectionPool(admin);
        } while (pool.get("requestsInFlight").asInt() != 0 && System.nanoTime() < deadline);
        assertThat(pool.get("requestsInFlight").asInt()).isZero();
        assertThat(pool.get("retriesInFlight").asInt()).isZero();
        assertThat(client.get(HOST, "/").getStatus()).isEqualTo(200);
      }
    }
  }

  /**
   * Two requests whose first attempts both answer 503 after 400 ms, together, where one retry is
   * allowed in flight: one is retried and the other's answer stands, counted as a retry overflow.
   */
  private static void onlyOneOfTwoFailingTogetherIsRetried(TestClient client, TestClient admin,
      EchoUpstream upstream) throws Exception {
    List<CompletableFuture<ContentResponse>> both = List.of(getAsync(client, "/slow?ms=400&status=503"),
        getAsync(client, "/slow?ms=400&status=503"));
    for (CompletableFuture<ContentResponse> f : both) {
      assertThat(f.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(503);
    }
    assertThat(upstream.requests.get()).as("two first attempts and one retry").isEqualTo(3);
    assertThat(admin.get("127.0.0.1", "/metrics").getContentAsString()).containsPattern(
        "inboard_connection_pool_overflow_total\\{destination_service=\"user.shop.svc.cluster.local\","
            + "destination_subset=\"\",limit=\"retries\",?\\} 1\\.0");
  }

  @Test
  void aRetryBeyondMaxRetriesIsNotMadeAndTheAnswerStands() throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"))) {
      try (InboardGateway gw = start("{attempts: 1, retryOn: 5xx}",
              "{connectionPool: {http: {maxRetries: 1}}}", upstream);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        onlyOneOfTwoFailingTogetherIsRetried(client, admin, upstream);
        // Alone, a request gets its retry.
        int before = upstream.requests.get();
        assertThat(client.get(HOST, "/status/503").getStatus()).isEqualTo(503);
        assertThat(upstream.requests.get() - before).isEqualTo(2);
      }
    }
  }

  /**
   * {@code tcp.connectTimeout} bounds the gateway's connect (its own default is 5 s), and a connect
   * that timed out is a connect failure, as in Envoy: retried under {@code connect-failure}, then
   * answered 503 with the {@code UF} flag.
   */
  @Test
  void tcpConnectTimeoutBoundsEachConnectAndATimedOutConnectIsAConnectFailure() throws Exception {
    try (UnacceptingUpstream silent = new UnacceptingUpstream();
        InboardGateway gw = UserServiceMesh.start(dir,
            UserServiceMesh.rules("{attempts: 2, retryOn: connect-failure}", "{connectionPool: {tcp: {connectTimeout: 200ms}}}")
                + UserServiceMesh.instance("user-silent", silent.port()));
        TestClient client = new TestClient(gw.port());
        TestClient admin = new TestClient(gw.adminPort())) {
      long start = System.nanoTime();
      ContentResponse r = client.get(HOST, "/");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.getStatus()).isEqualTo(503);
      assertThat(r.getContentAsString())
          .contains("upstream connect error: instance user-silent did not accept the connection in time after 2 retries");
      // Three connects of 200 ms (and the retries' back-off), far below one of the client's own 5 s.
      assertThat(millis).as("three connects of 200 ms").isBetween(600L, 4_000L);
      assertThat(admin.get("127.0.0.1", "/metrics").getContentAsString()).contains("response_flags=\"UF\"");
    }
  }

  /**
   * A {@code retryBudget} in place of {@code maxRetries}: with 2 requests in flight, 50 % allows one
   * retry (the floor is 1), so of two requests failing together one is retried and one is not.
   */
  @Test
  void aRetryBudgetLimitsTheRetriesInFlightToItsShareOfTheRequests() throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"))) {
      try (InboardGateway gw = start("{attempts: 1, retryOn: 5xx}",
              "{retryBudget: {percent: 50, minRetryConcurrency: 1}}", upstream);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        onlyOneOfTwoFailingTogetherIsRetried(client, admin, upstream);
        JsonNode pool = connectionPool(admin);
        assertThat(pool.get("retryBudget").get("percent").asDouble()).isEqualTo(50.0);
        assertThat(pool.has("maxRetries")).as("the budget takes its place").isFalse();
      }
    }
  }

  /**
   * The gateway's connections that requests reached the upstream on (their ports on its side), one
   * per request, in order; before each request a pause of {@code pausesMillis[i]}.
   */
  private List<String> connectionsOf(String trafficPolicy, long... pausesMillis) throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"));
        InboardGateway gw = start("{attempts: 0}", trafficPolicy, upstream);
        TestClient client = new TestClient(gw.port())) {
      List<String> connections = new ArrayList<>();
      for (long pause : pausesMillis) {
        Thread.sleep(pause);
        ContentResponse r = client.get(HOST, "/");
        assertThat(r.getStatus()).isEqualTo(200);
        connections.add(r.getHeaders().get("x-upstream-connection"));
      }
      assertThat(connections).doesNotContainNull();
      return connections;
    }
  }

  /** {@code http.maxRequestsPerConnection} closes a connection after that many requests, as in Envoy. */
  @Test
  void maxRequestsPerConnectionClosesAConnectionAfterThatManyRequests() throws Exception {
    List<String> kept = connectionsOf("{connectionPool: {http: {http2MaxRequests: 100}}}", 0, 0, 0, 0, 0);
    assertThat(java.util.Set.copyOf(kept)).as("kept alive without it: " + kept).hasSize(1);
    List<String> one = connectionsOf("{connectionPool: {http: {maxRequestsPerConnection: 1}}}", 0, 0, 0, 0, 0);
    assertThat(java.util.Set.copyOf(one)).as("a connection per request: " + one).hasSize(5);
    List<String> two = connectionsOf("{connectionPool: {http: {maxRequestsPerConnection: 2}}}", 0, 0, 0, 0, 0, 0);
    assertThat(java.util.Set.copyOf(two)).as("two requests per connection: " + two).hasSize(3);
  }

  /** {@code tcp.maxConnectionDuration}: a connection older than that carries no more requests. */
  @Test
  void maxConnectionDurationRetiresAConnectionPastItsAge() throws Exception {
    List<String> c = connectionsOf("{connectionPool: {tcp: {maxConnectionDuration: 1s}}}", 0, 0, 1_500, 0);
    assertThat(c.get(1)).as("young: kept " + c).isEqualTo(c.get(0));
    assertThat(c.get(2)).as("past its 1 s: a new one " + c).isNotEqualTo(c.get(0));
    assertThat(c.get(3)).as("the new one kept " + c).isEqualTo(c.get(2));
  }

  /**
   * {@code http.idleTimeout}: a connection without a request for that long is closed, so the next request
   * opens another; one used again sooner is kept, as Envoy's upstream idle timeout.
   */
  @Test
  void httpIdleTimeoutClosesAConnectionLeftWithoutARequestThatLong() throws Exception {
    List<String> idle = connectionsOf("{connectionPool: {http: {idleTimeout: 300ms}}}", 0, 1_000, 1_000);
    assertThat(java.util.Set.copyOf(idle)).as("idle 1 s past 300 ms each time: a new one " + idle).hasSize(3);
    List<String> busy = connectionsOf("{connectionPool: {http: {idleTimeout: 300ms}}}", 0, 100, 100, 100);
    assertThat(java.util.Set.copyOf(busy)).as("idle 100 ms each time: kept " + busy).hasSize(1);
    List<String> none = connectionsOf("{connectionPool: {http: {http2MaxRequests: 100}}}", 0, 1_000);
    assertThat(java.util.Set.copyOf(none)).as("without it, the gateway's own 60 s: kept " + none).hasSize(1);
  }

  /** The idle timeout counts only while a connection has no request: a slower answer is not cut by it. */
  @Test
  void httpIdleTimeoutNeverCutsARequestInFlight() throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"));
        InboardGateway gw = start("{attempts: 0}", "{connectionPool: {http: {idleTimeout: 200ms}}}", upstream);
        TestClient client = new TestClient(gw.port())) {
      ContentResponse first = client.get(HOST, "/slow?ms=1000");
      assertThat(first.getStatus()).isEqualTo(200);
      ContentResponse second = client.get(HOST, "/");
      assertThat(second.getHeaders().get("x-upstream-connection"))
          .as("kept after the slow answer, used again at once")
          .isEqualTo(first.getHeaders().get("x-upstream-connection"));
      assertThat(upstream.requests.get()).as("no retry hid a cut request").isEqualTo(2);
    }
  }

  /**
   * {@code tcp.tcpKeepalive}: the gateway's socket to the instance has {@code SO_KEEPALIVE} on and the
   * rule's time, interval and probes (Linux has all three); without the rule, keepalive stays off.
   */
  @Test
  void tcpKeepaliveSetsTheSocketOptionsOfTheGatewaysUpstreamConnections() throws Exception {
    Map<SocketOption<?>, Object> options = upstreamSocketOptions(
        "{connectionPool: {tcp: {tcpKeepalive: {time: 30s, interval: 5s, probes: 4}}}}");
    assertThat(options.get(StandardSocketOptions.SO_KEEPALIVE)).isEqualTo(true);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        options.containsKey(ExtendedSocketOptions.TCP_KEEPIDLE), "the platform has TCP_KEEPIDLE");
    assertThat(options.get(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(30);
    assertThat(options.get(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(5);
    assertThat(options.get(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(4);

    Map<SocketOption<?>, Object> partly = upstreamSocketOptions(
        "{connectionPool: {tcp: {tcpKeepalive: {interval: 7s}}}}");
    assertThat(partly.get(StandardSocketOptions.SO_KEEPALIVE)).isEqualTo(true);
    assertThat(partly.get(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(7);
    assertThat(partly.get(ExtendedSocketOptions.TCP_KEEPIDLE)).as("the system's time")
        .isEqualTo(systemOption(ExtendedSocketOptions.TCP_KEEPIDLE));

    // Linux takes at most 127 probes: the part it refuses is left as the system has it, keepalive stays on
    // and the request goes through.
    Map<SocketOption<?>, Object> refused = upstreamSocketOptions(
        "{connectionPool: {tcp: {tcpKeepalive: {time: 20s, probes: 1000}}}}");
    assertThat(refused.get(StandardSocketOptions.SO_KEEPALIVE)).isEqualTo(true);
    assertThat(refused.get(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(20);
    assertThat(refused.get(ExtendedSocketOptions.TCP_KEEPCOUNT)).as("the system's count")
        .isEqualTo(systemOption(ExtendedSocketOptions.TCP_KEEPCOUNT));

    Map<SocketOption<?>, Object> off = upstreamSocketOptions("{connectionPool: {http: {http2MaxRequests: 100}}}");
    assertThat(off.get(StandardSocketOptions.SO_KEEPALIVE)).as("without the rule").isEqualTo(false);
  }

  /** {@code option} of a socket left as the system has it. */
  private static Object systemOption(SocketOption<Integer> option) throws Exception {
    try (SocketChannel plain = SocketChannel.open()) {
      return plain.getOption(option);
    }
  }

  /**
   * The socket options of the gateway's connection to the upstream after one request with
   * {@code trafficPolicy}, read on the gateway's side of it.
   */
  private Map<SocketOption<?>, Object> upstreamSocketOptions(String trafficPolicy) throws Exception {
    try (EchoUpstream upstream = new EchoUpstream("user-1", Map.of("app", "user"));
        InboardGateway gw = start("{attempts: 0}", trafficPolicy, upstream);
        TestClient client = new TestClient(gw.port())) {
      List<SocketChannel> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
      gw.upstreamClient().addBean(
          new org.eclipse.jetty.io.Connection.Listener() {
            @Override
            public void onOpened(org.eclipse.jetty.io.Connection connection) {
              if (connection.getEndPoint() instanceof SocketChannelEndPoint endPoint) {
                opened.add(endPoint.getChannel());
              }
            }
          });
      assertThat(client.get(HOST, "/").getStatus()).isEqualTo(200);
      assertThat(opened).as("the gateway's connections to the upstream").hasSize(1);
      SocketChannel channel = opened.get(0);
      assertThat(((InetSocketAddress) channel.getRemoteAddress()).getPort()).isEqualTo(upstream.port());
      Map<SocketOption<?>, Object> options = new java.util.HashMap<>();
      options.put(StandardSocketOptions.SO_KEEPALIVE, channel.getOption(StandardSocketOptions.SO_KEEPALIVE));
      for (SocketOption<Integer> o : List.of(ExtendedSocketOptions.TCP_KEEPIDLE,
          ExtendedSocketOptions.TCP_KEEPINTERVAL, ExtendedSocketOptions.TCP_KEEPCOUNT)) {
        if (channel.supportedOptions().contains(o)) {
          options.put(o, channel.getOption(o));
        }
      }
      return options;
    }
  }
}
