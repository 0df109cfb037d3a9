package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server stopped with SIGTERM while agents watch it: every held watch is answered 304 (nothing
 * changed, ask again), and watches that keep arriving while it stops never see an error status.
 */
class ShutdownIT {
  private static final int HELD = 50;
  private static final int POLLERS = 4;

  @TempDir Path dataDir;

  @Test
  void heldAndArrivingWatchesGet304NotAnErrorWhenTheServerStops() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      stopWhileWatched(server);
    }
  }

  private static void stopWhileWatched(ServerProcess server) throws Exception {
    Http http = new Http(server.url());
    assertThat(http.apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(200);
    long revision = http.get("/readyz").json().get("revision").asLong();

    RawWatchers held = new RawWatchers(URI.create(server.url()), HELD,
        "/v1/snapshot?since=" + revision + "&timeoutSeconds=120");
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> WatchFanOutIT.metric(http.get("/metrics").body(), "inboard_watchers_waiting") >= HELD);

    // Agents whose watch ends ask again at once: when the server answers the held ones at
    // shutdown, their next watches arrive while it stops.
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicBoolean polling = new AtomicBoolean(true);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest rewatch = HttpRequest.newBuilder(URI.create(server.url() + "/v1/snapshot?since=" + revision
        + "&timeoutSeconds=2")).timeout(Duration.ofSeconds(30)).build();
    List<Thread> pollers = new java.util.ArrayList<>();
    for (int i = 0; i < POLLERS; i++) {
      Thread t = new Thread(() -> {
        while (polling.get()) {
          try {
            int status = client.send(rewatch, HttpResponse.BodyHandlers.discarding()).statusCode();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          } catch (java.io.IOException e) {
            return; // the server is gone: connection refused or closed, which is fine
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rewatch-" + i);
      t.setDaemon(true);
      t.start();
      pollers.add(t);
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
        WatchFanOutIT.metric(http.get("/metrics").body(), "inboard_watchers_waiting") >= HELD + POLLERS);

    server.process().destroy(); // SIGTERM: the shutdown hook closes the server
    assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("server exits after SIGTERM").isTrue();
    List<RawWatchers.Answer> answers = held.awaitAll(Duration.ofSeconds(30));
    held.close();
    polling.set(false);
    for (Thread t : pollers) {
      t.join(TimeUnit.SECONDS.toMillis(40));
    }

    assertThat(answers).hasSize(HELD);
    for (RawWatchers.Answer a : answers) {
      assertThat(a.status()).as("a held watch at shutdown: %s\nserver output:\n%s", a, server.output())
          .isEqualTo(304);
    }
    assertThat(statuses.keySet()).as("statuses of watches arriving while the server stopped; server output:\n%s",
        server.output()).containsOnly(304);
    assertThat(server.output()).doesNotContain("RejectedExecutionException");
  }
}
