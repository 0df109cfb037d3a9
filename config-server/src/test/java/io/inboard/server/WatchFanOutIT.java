package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch fan-out: 500 watchers held open at once (no thread each), one PUT, every watcher gets
 * the new revision. Records edit-to-delivery percentiles and the server's threads and heap while
 * holding them in target/watch-fanout.md; timings are reported, not asserted.
 */
class WatchFanOutIT {
  private static final int WATCHERS = 500;
  private static final int ROUNDS = 3;

  @TempDir Path dataDir;

  /** What one round measured: one PUT with WATCHERS watchers waiting for it. */
  record Round(double p50, double p99, double max, long putMillis, double serverFanOutMs, long serverCpuMillis,
      int threadsHolding, double heapMiB, double rssMiB) {}

  @Test
  void fiveHundredHeldWatchersAllReceiveTheNextRevision() throws Exception {
    try (ServerProcess server = ServerProcess.start(ServerProcess.PRODUCTION_JVM, dataDir, java.util.Map.of())) {
      Http http = new Http(server.url());
      assertThat(http.apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(200);
      int threadsIdle = server.threads();
      // The first round runs the fan-out code cold (interpreted, then compiled); later rounds show
      // a server that has been running for a while.
      List<Round> rounds = new java.util.ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        rounds.add(round(server, http, 8080 + i));
      }
      Round cold = rounds.get(0);
      Round warm = rounds.get(rounds.size() - 1);
      String report = String.format(java.util.Locale.ROOT, String.join("\n",
          "| measure (%d watchers, one PUT) | first round (cold) | round %d (warm) |",
          "|---|---|---|",
          "| edit-to-delivery p50 | %.1f ms | %.1f ms |",
          "| edit-to-delivery p99 | %.1f ms | %.1f ms |",
          "| edit-to-delivery max | %.1f ms | %.1f ms |",
          "| PUT round trip (validate, fsync'd commit) | %d ms | %d ms |",
          "| server fan-out: hand the revision to all watchers (inboard_watch_fanout_seconds) | %.1f ms | %.1f ms |",
          "| server CPU time for the PUT and the whole fan-out (/proc, 10 ms ticks) | %d ms | %d ms |",
          "| server threads while holding the watchers (idle before: %d) | %d | %d |",
          "| server heap used while holding | %.1f MiB | %.1f MiB |",
          "| server resident memory while holding | %.1f MiB | %.1f MiB |",
          "",
          "Server start (process start to listening): %d ms. Machine load average (1 min) after the run: %s.",
          ""), WATCHERS, ROUNDS, cold.p50(), warm.p50(), cold.p99(), warm.p99(), cold.max(), warm.max(),
          cold.putMillis(), warm.putMillis(), cold.serverFanOutMs(), warm.serverFanOutMs(),
          cold.serverCpuMillis(), warm.serverCpuMillis(), threadsIdle, cold.threadsHolding(), warm.threadsHolding(),
          cold.heapMiB(), warm.heapMiB(), cold.rssMiB(), warm.rssMiB(), server.startMillis,
          Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      System.out.println("watch fan-out:\n" + report);
      Files.writeString(Path.of("target", "watch-fanout.md"), report);
      // No thread per waiter: holding 500 watchers must not cost anywhere near 500 threads.
      for (Round r : rounds) {
        assertThat(r.threadsHolding() - threadsIdle).isLessThan(100);
      }
    }
  }

  private static Round round(ServerProcess server, Http http, int gatewayPort) throws Exception {
    long revision = http.get("/readyz").json().get("revision").asLong();
    // Raw non-blocking sockets, one per watcher, so that delivery is stamped when the first byte
    // of the answer arrives rather than after an HTTP client's own parsing and thread hops.
    RawWatchers watchers = new RawWatchers(URI.create(server.url()), WATCHERS,
        "/v1/snapshot?since=" + revision + "&timeoutSeconds=120");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> metric(http.get("/metrics").body(), "inboard_watchers_waiting") >= WATCHERS);
    String metrics = http.get("/metrics").body();
    int threadsHolding = server.threads();
    double heapUsed = sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}");
    long rssKb = server.residentKb();
    double fanOutSumBefore = metric(metrics, "inboard_watch_fanout_seconds_sum");
    assertThat(watchers.answered()).isZero();

    long cpuBefore = server.cpuMillis();
    long t0 = System.nanoTime();
    Http.Response put = http.put("/v1/namespaces/traffic-management/gateways/microservice-gateway",
        Scenarios.text("00-gateway.yaml").replace("number: 80", "number: " + gatewayPort));
    long putMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    long newRevision = put.json().get("revision").asLong();
    assertThat(newRevision).isGreaterThan(revision);

    List<RawWatchers.Answer> answers = watchers.awaitAll(Duration.ofSeconds(60));
    long cpu = server.cpuMillis() - cpuBefore;
    assertThat(answers).hasSize(WATCHERS);
    long[] deliveredAt = new long[WATCHERS];
    for (int i = 0; i < WATCHERS; i++) {
      RawWatchers.Answer a = answers.get(i);
      assertThat(a.status()).as(a.toString()).isEqualTo(200);
      assertThat(Http.JSON.readTree(a.body()).get("revision").asLong()).isEqualTo(newRevision);
      deliveredAt[i] = a.firstByteNanos();
    }
    double fanOutMs = (metric(http.get("/metrics").body(), "inboard_watch_fanout_seconds_sum")
        - Math.max(0, fanOutSumBefore)) * 1000;
    double[] millis = Arrays.stream(deliveredAt).mapToDouble(t -> (t - t0) / 1e6).sorted().toArray();
    return new Round(percentile(millis, 50), percentile(millis, 99), millis[millis.length - 1], putMillis, fanOutMs,
        cpu, threadsHolding, heapUsed / (1024 * 1024), rssKb / 1024.0);
  }

  static double percentile(double[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  static double metric(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(2)) : -1;
  }

  static double sum(String metrics, String nameWithLabels) {
    Matcher m = Pattern.compile("(?m)^" + nameWithLabels + " ([0-9.eE+-]+)$").matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }
}
