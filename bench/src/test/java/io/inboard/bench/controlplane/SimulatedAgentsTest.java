package io.inboard.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedAgentsTest {
  /**
   * A stand-in config server (the JDK's HTTP server on loopback): answers a watch at once when its
   * {@code since} differs from the current revision, else holds it until the next edit or for
   * {@link #HOLD_MILLIS} and then answers 304. Odd revisions go out chunked, even ones with a
   * Content-Length, both gzip'd when asked.
   */
  private static final long HOLD_MILLIS = 700;
  private final Object lock = new Object();
  private long revision = 1;
  private int edit;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresToSend = new AtomicInteger();
  /** The client port of every watch: one per connection. */
  private final java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private HttpServer server;
  private ExecutorService threads;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private URI startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/v1/snapshot", this::watch);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void watch(HttpExchange ex) throws IOException {
    try (ex) {
      String query = ex.getRequestURI().getQuery();
      requests.add(query + " | " + ex.getRequestHeaders().getFirst("Accept-Encoding"));
      clientPorts.add(ex.getRemoteAddress().getPort());
      if (failuresToSend.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        byte[] error = "{\"error\":\"store unavailable\"}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Connection", "close");
        ex.sendResponseHeaders(503, error.length);
        ex.getResponseBody().write(error);
        return;
      }
      long since = Long.parseLong(query.replaceAll(".*since=(-?\\d+).*", "$1"));
      long rev;
      int marker;
      synchronized (lock) {
        long deadline = System.currentTimeMillis() + HOLD_MILLIS;
        while (revision == since && System.currentTimeMillis() < deadline) {
          lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        rev = revision;
        marker = edit;
      }
      if (rev == since) {
        ex.sendResponseHeaders(304, -1);
        return;
      }
      byte[] body = snapshot(rev, marker);
      boolean gzip = "gzip".equals(ex.getRequestHeaders().getFirst("Accept-Encoding"));
      if (gzip) {
        body = WatchResponseParserTest.gzip(body);
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      ex.sendResponseHeaders(200, rev % 2 == 1 ? 0 : body.length); // 0: chunked
      ex.getResponseBody().write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static byte[] snapshot(long revision, int edit) {
    return ("{\"revision\":" + revision + ",\"resources\":[{\"spec\":{\"http\":[{\"route\":[{\"weight\":9000},"
        + "{\"weight\":" + (1000 + edit) + "}]}]}}],\"instances\":["
        + "{\"address\":\"127.0.0.1\",\"labels\":{\"version\":\"v1\"}},".repeat(50) + "{}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void publish(int newEdit) {
    synchronized (lock) {
      revision++;
      edit = newEdit;
      lock.notifyAll();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void everyAgentFollowsEachEditOverItsOwnConnectionAskingForGzip() throws Exception {
    URI base = startServer();
    int agents = 3;
    try (SimulatedAgents watchers = new SimulatedAgents(base, agents)) {
      watchers.start();
      await("all agents hold edit 0", () -> watchers.seen(0) == agents);
      assertThat(watchers.connected()).isEqualTo(agents);
      Thread.sleep(HOLD_MILLIS * 2); // holds time out: 304s, and the agents poll again
      long published = System.nanoTime();
      publish(1);
      await("all agents hold edit 1", () -> watchers.seen(1) == agents);
      for (long at : watchers.seenAt(1)) {
        assertThat(at).isGreaterThan(published);
      }
      publish(2);
      assertThat(watchers.awaitAllSeen(2, Duration.ofSeconds(20).toNanos())).as("woken when all hold edit 2").isTrue();
      assertThat(watchers.seen(2)).isEqualTo(agents);
      assertThat(watchers.awaitAllSeen(3, Duration.ofMillis(100).toNanos())).as("edit 3 was never made").isFalse();
      assertThat(watchers.errors()).as("first error: %s", watchers.firstError()).isZero();
      assertThat(watchers.firstError()).isNull();
      assertThat(watchers.snapshotsReceived()).isEqualTo(3L * agents);
      long decoded = agents * (long) (snapshot(1, 0).length + snapshot(2, 1).length + snapshot(3, 2).length);
      assertThat(watchers.bytesReceived()).isEqualTo(decoded);
      assertThat(watchers.wireBytesReceived()).isPositive().isLessThan(decoded); // gzip'd on the wire
      assertThat(watchers.seenAt(3)).containsOnly(0L);
      assertThat(watchers.seen(3)).isZero();
    }
    assertThat(requests).allMatch(r -> r.endsWith("&timeoutSeconds=30 | gzip"), "the agents' own watch request");
    assertThat(requests.stream().filter(r -> r.startsWith("since=-1&")).count()).isEqualTo(agents);
    assertThat(requests.stream().filter(r -> r.startsWith("since=1&")).count())
        .as("polls again after its 304s, for the same revision").isGreaterThan(agents);
    assertThat(requests.stream().filter(r -> r.startsWith("since=2&")).count()).isEqualTo(agents);
    assertThat(clientPorts).as("one keep-alive connection per agent").hasSize(agents);
  }

  @Test
  void errorsAreCountedAndTheAgentsRetryOnANewConnection() throws Exception {
    URI base = startServer();
    failuresToSend.set(4);
    try (SimulatedAgents watchers = new SimulatedAgents(base, 2)) {
      watchers.start();
      await("both agents hold edit 0 after the errors", () -> watchers.seen(0) == 2);
      assertThat(watchers.errors()).isEqualTo(4);
      assertThat(watchers.firstError()).contains("HTTP 503").contains("store unavailable");
      assertThat(watchers.snapshotsReceived()).isEqualTo(2);
    }
    // 4 refused + 2 answered first polls, then each agent's held poll for revision 1 on its last connection
    assertThat(requests.stream().filter(r -> r.startsWith("since=-1&")).count()).isEqualTo(6);
    assertThat(clientPorts).as("a new connection after each answer with Connection: close").hasSize(6);
  }
  private static int marker(String json) {
    return SimulatedAgents.marker(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheEditNumberInTheCanaryWeight() {
    String snapshot = "{\"revision\":7,\"resources\":[{\"spec\":{\"http\":[{\"route\":[{\"weight\":9000},"
        + "{\"weight\":1042}]}]}}],\"instances\":[{\"port\":20001}]}";
    assertThat(marker(snapshot)).isEqualTo(42);
    assertThat(marker("{\"weight\": 1000}")).isZero();
  }

  @Test
  void ignoresWeightsThatAreNotTheMarker() {
    assertThat(marker("{\"weight\":90},{\"weight\":10}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":9000}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":10000}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":100}")).isEqualTo(-1);
  }
}
