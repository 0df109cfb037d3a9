package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch fan-out: 500 watchers held open at once (no thread each), one PUT, every watcher gets
 * the new revision. Records, for every round, edit-to-delivery percentiles, the server's own
 * fan-out time and CPU, and its threads and heap while holding the watchers, in
 * target/watch-fanout.md; timings are reported, not asserted.
 *
 * <p>Two snapshots: the acceptance's small one (one Gateway), watched without compression, and one
 * the size the benchmark's 200 agents see (200 registered instances, about 27 KB), watched with
 * {@code Accept-Encoding: gzip} as {@code ConfigServerClient} does. The first round of each runs
 * the server's code paths cold and is reported as such, next to the later (warm) rounds.
 */
class WatchFanOutIT {
  private static final int WATCHERS = 500;
  private static final int ROUNDS = Integer.getInteger("inboard.fanout.rounds", 6);
  private static final int LARGE_ROUNDS = Integer.getInteger("inboard.fanout.largeRounds", 3);
  private static final int INSTANCES = 200;

  @TempDir Path dataDir;

  /** What one round measured: one PUT with WATCHERS watchers waiting for it. */
  record Round(double p50, double p99, double max, long putMillis, double serverFanOutMs, long serverCpuMillis,
      int threadsHolding, double heapMiB, double rssMiB, int bodyBytes, Map<String, Long> cpuByThread) {}

  @Test
  void fiveHundredHeldWatchersAllReceiveTheNextRevision() throws Exception {
    try (ServerProcess server = ServerProcess.start(ServerProcess.withExtraOptions(ServerProcess.PRODUCTION_JVM),
        dataDir, Map.of())) {
      Http http = new Http(server.url());
      assertThat(http.apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(200);
      int threadsIdle = server.threads();
      List<Round> small = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        small.add(round(server, http, 8080 + i, ""));
      }

      for (int i = 0; i < INSTANCES; i++) {
        assertThat(http.send("PUT", "/v1/namespaces/traffic-management/instances/user-" + i,
            "{\"service\":\"user\",\"address\":\"10.0." + (i / 250) + "." + (i % 250) + "\",\"port\":8080,"
                + "\"labels\":{\"app\":\"user\",\"version\":\"v" + (1 + i % 2) + "\"},\"ttlSeconds\":3600}",
            "application/json").status()).isEqualTo(200);
      }
      int largeBytes = http.get("/v1/snapshot?since=-1").bytes().length;
      List<Round> large = new ArrayList<>();
      for (int i = 0; i < LARGE_ROUNDS; i++) {
        large.add(round(server, http, 9080 + i, "Accept-Encoding: gzip\r\n"));
      }

      String report = String.join("\n",
          String.format(Locale.ROOT, "Server start (process start to listening): %d ms. Machine load average"
              + " (1, 5, 15 min) after the run: %s. Server threads idle before the watchers: %d.",
              server.startMillis, loadAverage(), threadsIdle),
          "",
          String.format(Locale.ROOT, "Small snapshot (one Gateway, %d bytes), %d watchers, no compression:",
              small.get(0).bodyBytes(), WATCHERS),
          "",
          table(small, "cold"),
          "",
          String.format(Locale.ROOT, "Snapshot with %d instances (%d bytes; %d bytes gzip'd), %d watchers sending"
              + " Accept-Encoding: gzip:", INSTANCES, largeBytes, large.get(0).bodyBytes(), WATCHERS),
          "",
          table(large, "first gzip'd; the server is warm from the rounds above"),
          "");
      System.out.println("watch fan-out:\n" + report);
      Files.writeString(Path.of("target", "watch-fanout.md"), report);
      // No thread per waiter: holding 500 watchers must not cost anywhere near 500 threads.
      for (Round r : small) {
        assertThat(r.threadsHolding() - threadsIdle).isLessThan(100);
      }
    }
  }

  /** One row per round, then the later rounds' medians; the first (cold) round stays visible. */
  private static String table(List<Round> rounds, String firstRound) {
    List<String> lines = new ArrayList<>();
    lines.add("| round | p50 | p99 | max | PUT round trip | server fan-out | server CPU (PUT + fan-out) | threads"
        + " holding | heap used holding | RSS holding |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      lines.add(String.format(Locale.ROOT,
          "| %d%s | %.1f ms | %.1f ms | %.1f ms | %d ms | %.1f ms | %d ms | %d | %.1f MiB | %.1f MiB |",
          i + 1, i == 0 ? " (" + firstRound + ")" : "", r.p50(), r.p99(), r.max(), r.putMillis(), r.serverFanOutMs(),
          r.serverCpuMillis(), r.threadsHolding(), r.heapMiB(), r.rssMiB()));
    }
    if (rounds.size() > 2) {
      List<Round> warm = rounds.subList(1, rounds.size());
      lines.add(String.format(Locale.ROOT,
          "| median of rounds 2-%d | %.1f ms | %.1f ms | %.1f ms | %d ms | %.1f ms | %d ms | | | |",
          rounds.size(), median(warm, Round::p50), median(warm, Round::p99), median(warm, Round::max),
          (long) median(warm, r -> r.putMillis()), median(warm, Round::serverFanOutMs),
          (long) median(warm, r -> r.serverCpuMillis())));
    }
    Map<String, Long> byThread = new java.util.TreeMap<>();
    rounds.subList(Math.min(1, rounds.size() - 1), rounds.size())
        .forEach(r -> r.cpuByThread().forEach((k, v) -> byThread.merge(k, v, Long::sum)));
    lines.add("");
    lines.add("Server CPU by thread over " + (rounds.size() > 1 ? "rounds 2-" + rounds.size() : "the round")
        + " (/proc, 10 ms ticks): " + byThread.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .map(e -> e.getKey() + " " + e.getValue() + " ms").collect(java.util.stream.Collectors.joining(", ")));
    return String.join("\n", lines);
  }

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Round round(ServerProcess server, Http http, int gatewayPort, String extraHeaders) throws Exception {
    long revision = http.get("/readyz").json().get("revision").asLong();
    // Raw non-blocking sockets, one per watcher, so that delivery is stamped when the first byte
    // of the answer arrives rather than after an HTTP client's own parsing and thread hops.
    RawWatchers watchers = new RawWatchers(URI.create(server.url()), WATCHERS,
        "/v1/snapshot?since=" + revision + "&timeoutSeconds=120", extraHeaders);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> metric(http.get("/metrics").body(), "inboard_watchers_waiting") >= WATCHERS);
    String metrics = http.get("/metrics").body();
    int threadsHolding = server.threads();
    double heapUsed = sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\}");
    long rssKb = server.residentKb();
    double fanOutSumBefore = metric(metrics, "inboard_watch_fanout_seconds_sum");
    assertThat(watchers.answered()).isZero();
    // Let the server finish with the burst of connections before the measured edit.
    Thread.sleep(500);

    long cpuBefore = server.cpuMillis();
    Map<String, Long> threadCpuBefore = server.cpuMillisByThread();
    long t0 = System.nanoTime();
    Http.Response put = http.put("/v1/namespaces/traffic-management/gateways/microservice-gateway",
        Scenarios.text("00-gateway.yaml").replace("number: 80", "number: " + gatewayPort));
    long putMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    long newRevision = put.json().get("revision").asLong();
    assertThat(newRevision).isGreaterThan(revision);

    List<RawWatchers.Answer> answers;
    long cpu;
    Map<String, Long> threadCpuAfter;
    try (watchers) {
      answers = watchers.awaitAll(Duration.ofSeconds(60));
      cpu = server.cpuMillis() - cpuBefore;
      threadCpuAfter = server.cpuMillisByThread();
    }
    Map<String, Long> cpuByThread = new java.util.TreeMap<>();
    threadCpuAfter.forEach((name, ms) -> {
      long d = ms - threadCpuBefore.getOrDefault(name, 0L);
      if (d > 0) {
        cpuByThread.put(name, d);
      }
    });
    assertThat(answers).hasSize(WATCHERS);
    long[] deliveredAt = new long[WATCHERS];
    for (int i = 0; i < WATCHERS; i++) {
      RawWatchers.Answer a = answers.get(i);
      assertThat(a.status()).as(a.toString()).isEqualTo(200);
      assertThat(Http.JSON.readTree(a.decodedBody()).get("revision").asLong()).isEqualTo(newRevision);
      deliveredAt[i] = a.firstByteNanos();
    }
    double fanOutMs = (metric(http.get("/metrics").body(), "inboard_watch_fanout_seconds_sum")
        - Math.max(0, fanOutSumBefore)) * 1000;
    double[] millis = Arrays.stream(deliveredAt).mapToDouble(t -> (t - t0) / 1e6).sorted().toArray();
    return new Round(percentile(millis, 50), percentile(millis, 99), millis[millis.length - 1], putMillis, fanOutMs,
        cpu, threadsHolding, heapUsed / (1024 * 1024), rssKb / 1024.0, answers.get(0).body().length, cpuByThread);
  }

  private static String loadAverage() throws java.io.IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + ", " + f[1] + ", " + f[2];
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
