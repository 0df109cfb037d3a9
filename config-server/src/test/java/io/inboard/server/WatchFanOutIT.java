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

  @TempDir Path dataDir;

  @Test
  void fiveHundredHeldWatchersAllReceiveTheNextRevision() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(http.apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(200);
      long revision = http.get("/readyz").json().get("revision").asLong();
      int threadsIdle = server.threads();

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
      assertThat(watchers.answered()).isZero();

      long cpuBefore = server.cpuMillis();
      long t0 = System.nanoTime();
      Http.Response put = http.put("/v1/namespaces/traffic-management/gateways/microservice-gateway",
          Scenarios.text("00-gateway.yaml").replace("number: 80", "number: 8080"));
      long putMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      long newRevision = put.json().get("revision").asLong();
      assertThat(newRevision).isGreaterThan(revision);

      List<RawWatchers.Answer> answers = watchers.awaitAll(Duration.ofSeconds(60));
      long cpuForPutAndFanOut = server.cpuMillis() - cpuBefore;
      assertThat(answers).hasSize(WATCHERS);
      long[] deliveredAt = new long[WATCHERS];
      for (int i = 0; i < WATCHERS; i++) {
        RawWatchers.Answer a = answers.get(i);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(Http.JSON.readTree(a.body()).get("revision").asLong()).isEqualTo(newRevision);
        deliveredAt[i] = a.firstByteNanos();
      }
      double serverFanOutMs = metric(http.get("/metrics").body(), "inboard_watch_fanout_seconds_max") * 1000;
      double[] millis = Arrays.stream(deliveredAt).mapToDouble(t -> (t - t0) / 1e6).sorted().toArray();
      String report = String.format(java.util.Locale.ROOT, String.join("\n",
          "| measure | value |",
          "|---|---|",
          "| watchers held | %d |",
          "| edit-to-delivery p50 | %.1f ms |",
          "| edit-to-delivery p99 | %.1f ms |",
          "| edit-to-delivery max | %.1f ms |",
          "| PUT round trip | %d ms |",
          "| server fan-out (hand the revision to all %d, from inboard_watch_fanout_seconds_max) | %.1f ms |",
          "| server CPU time for the PUT and the whole fan-out (/proc, 10 ms ticks) | %d ms |",
          "| server threads idle / holding %d watchers | %d / %d |",
          "| server heap used while holding | %.1f MiB |",
          "| server resident memory while holding | %.1f MiB |",
          "| server start (process start to listening) | %d ms |",
          "| machine load average (1 min) during the run | %s |",
          ""), WATCHERS, percentile(millis, 50), percentile(millis, 99), millis[millis.length - 1], putMillis,
          WATCHERS, serverFanOutMs, cpuForPutAndFanOut,
          WATCHERS, threadsIdle, threadsHolding, heapUsed / (1024 * 1024), rssKb / 1024.0, server.startMillis,
          Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      System.out.println("watch fan-out:\n" + report);
      Files.writeString(Path.of("target", "watch-fanout.md"), report);
      // No thread per waiter: holding 500 watchers must not cost anywhere near 500 threads.
      assertThat(threadsHolding - threadsIdle).isLessThan(100);
    }
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
