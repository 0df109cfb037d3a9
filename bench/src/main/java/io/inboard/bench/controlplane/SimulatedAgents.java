package io.inboard.bench.controlplane;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many agents' watch loops in one JVM: each keeps one {@code GET /v1/snapshot?since=REV} long poll
 * open on the config server (asynchronous JDK HttpClient, so 200 of them need no 200 threads), and
 * records when it first saw each edit. An edit is recognised by a marker the benchmark puts into the
 * rules (a unique weight), not by revision numbers, so instance-only revisions cannot confuse it.
 */
final class SimulatedAgents implements AutoCloseable {
  private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");

  private final HttpClient client;
  private final ExecutorService executor;
  private final URI base;
  private final Pattern marker;
  private final int count;
  private final long[] lastRevision;
  /** For each edit marker: how many agents have seen it, and when each did. */
  private final ConcurrentMap<Integer, long[]> seenAt = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, AtomicInteger> seenCount = new ConcurrentHashMap<>();
  private final int[] lastMarker;
  private final AtomicLong snapshotsReceived = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String firstError;
  private volatile boolean running = true;

  SimulatedAgents(URI base, int count, Pattern marker) {
    this.base = base;
    this.count = count;
    this.marker = marker;
    this.lastRevision = new long[count];
    this.lastMarker = new int[count];
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "simulated-agents");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  void start() {
    for (int i = 0; i < count; i++) {
      lastRevision[i] = -1;
      lastMarker[i] = -1;
      poll(i);
    }
  }

  private void poll(int agent) {
    if (!running) {
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/snapshot?since=" + lastRevision[agent]))
        .timeout(Duration.ofSeconds(120)).GET().build();
    client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
      long now = System.nanoTime();
      if (failure != null || response.statusCode() >= 400) {
        if (running) {
          errors.incrementAndGet();
          if (firstError == null) {
            firstError = failure != null ? failure.toString() : "HTTP " + response.statusCode() + ": " + response.body();
          }
          // Back off a little, as an agent would, instead of spinning on a failing server.
          java.util.concurrent.CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS)
              .execute(() -> poll(agent));
        }
        return;
      }
      String body = response.body();
      Matcher revision = REVISION.matcher(body);
      if (response.statusCode() == 200 && revision.find()) {
        snapshotsReceived.incrementAndGet();
        bytesReceived.addAndGet(body.length());
        lastRevision[agent] = Long.parseLong(revision.group(1));
        Matcher m = marker.matcher(body);
        if (m.find()) {
          int edit = Integer.parseInt(m.group(1));
          if (edit != lastMarker[agent]) {
            lastMarker[agent] = edit;
            long[] times = seenAt.computeIfAbsent(edit, k -> new long[count]);
            times[agent] = now;
            seenCount.computeIfAbsent(edit, k -> new AtomicInteger()).incrementAndGet();
          }
        }
      }
      poll(agent);
    });
  }

  /** How many agents have seen edit {@code edit}. */
  int seen(int edit) {
    AtomicInteger n = seenCount.get(edit);
    return n == null ? 0 : n.get();
  }

  /** When each agent first saw edit {@code edit} ({@link System#nanoTime()}; 0 for not yet). */
  long[] seenAt(int edit) {
    return seenAt.getOrDefault(edit, new long[count]);
  }

  /** How many agents hold the latest snapshot (have a revision at all). */
  int connected() {
    int n = 0;
    for (long r : lastRevision) {
      if (r >= 0) {
        n++;
      }
    }
    return n;
  }

  long snapshotsReceived() {
    return snapshotsReceived.get();
  }

  long bytesReceived() {
    return bytesReceived.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError;
  }

  @Override
  public void close() {
    running = false;
    executor.shutdownNow();
  }
}
