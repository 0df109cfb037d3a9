package io.inboard.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FixedRateLoadTest {
  private HttpServer server;
  private final AtomicInteger served = new AtomicInteger();
  private volatile long stallAtRequest = -1;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.createContext("/", exchange -> {
      int n = served.incrementAndGet();
      if (n == stallAtRequest) {
        try {
          Thread.sleep(1500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
      if (n % 4 == 0) {
        exchange.getResponseHeaders().add("X-Downstream-Version", "v2");
      } else if (n % 4 == 1) {
        exchange.getResponseHeaders().add("X-Downstream-Version", "v1");
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void sendsTheScheduledNumberOfRequestsOverKeepAliveConnections() throws Exception {
    FixedRateLoad load = new FixedRateLoad(FixedRateLoad.Target.loopback(server.getAddress().getPort(), "/"), 4);
    FixedRateLoad.PhaseResult r = load.run(200, Duration.ofMillis(500));
    load.close();

    assertThat(r.sent()).isEqualTo(100);
    assertThat(r.ok()).isEqualTo(100);
    assertThat(r.errors()).isZero();
    assertThat(r.corrected().getTotalCount()).isEqualTo(100);
    assertThat(served.get()).isEqualTo(100);
  }

  @Test
  void splitsTheLatencyByTheDownstreamVersionEachAnswerNames() throws Exception {
    // Of 100 answers a quarter say v2, a quarter v1, and half say nothing.
    FixedRateLoad load = new FixedRateLoad(FixedRateLoad.Target.loopback(server.getAddress().getPort(), "/"), 2);
    FixedRateLoad.PhaseResult r = load.run(200, Duration.ofMillis(500));
    load.close();

    assertThat(r.correctedByDownstreamVersion()).containsOnlyKeys("v1", "v2", FixedRateLoad.NO_VERSION);
    assertThat(r.correctedByDownstreamVersion().get("v2").getTotalCount()).isEqualTo(25);
    assertThat(r.correctedByDownstreamVersion().get("v1").getTotalCount()).isEqualTo(25);
    assertThat(r.correctedByDownstreamVersion().get(FixedRateLoad.NO_VERSION).getTotalCount()).isEqualTo(50);
  }

  @Test
  void chargesAStallToEveryRequestThatWasDueDuringIt() throws Exception {
    // A single-threaded server stalls 1.5 s once. At 100 requests/s, 150 requests fall due during
    // the stall, about 50 of them in its first half second: from their intended start they waited
    // over a second. A closed-loop tool would record only the requests already sent (at most one
    // per connection) as slow. The margins are wide so that a busy machine cannot fake either side.
    stallAtRequest = 50;
    FixedRateLoad load = new FixedRateLoad(FixedRateLoad.Target.loopback(server.getAddress().getPort(), "/"), 8);
    FixedRateLoad.PhaseResult r = load.run(100, Duration.ofSeconds(3));
    load.close();

    long slowCorrected = r.corrected().getCountBetweenValues(1_000_000, FixedRateLoad.HIGHEST_MICROS);
    long slowService = r.service().getCountBetweenValues(1_000_000, FixedRateLoad.HIGHEST_MICROS);
    assertThat(r.ok()).isEqualTo(300);
    assertThat(slowCorrected).as("requests charged over 1 s from their intended start").isGreaterThan(25);
    // Corrected latency is never below the round trip, so the difference is what the correction
    // adds; a busy machine may slow a few round trips past 1 s, but not the requests never sent.
    assertThat(slowCorrected - slowService)
        .as("requests slow only from their intended start (corrected %d, round trip %d)", slowCorrected, slowService)
        .isGreaterThan(20);
    assertThat(r.corrected().getMaxValue()).isGreaterThan(1_400_000);
  }

  @Test
  void keepsWholeResponsesWhenAsked() throws Exception {
    FixedRateLoad load = new FixedRateLoad(FixedRateLoad.Target.loopback(server.getAddress().getPort(), "/"), 1);
    var responses = load.responses(3);
    load.close();

    assertThat(responses).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("HTTP/1.1 200").endsWith("ok"));
  }
}
