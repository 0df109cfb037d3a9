package io.inboard.bench.controlplane;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * rules (a unique weight, see {@link #marker}), not by revision numbers, so instance-only revisions
 * cannot confuse it.
 */
final class SimulatedAgents implements AutoCloseable {
  private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*(\\d+)");

  private final HttpClient client;
  private final ExecutorService executor;
  private final URI base;
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

  SimulatedAgents(URI base, int count) {
    this.base = base;
    this.count = count;
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
    // Agents ask for gzip (ConfigServerClient); this simulator does not: inflating 200 copies of
    // every snapshot in one JVM would add to the CPU of the machine the server is measured on, and
    // on loopback the server's cost per answer hardly depends on the size of the body.
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/snapshot?since=" + lastRevision[agent]))
        .timeout(Duration.ofSeconds(120)).GET().build();
    // Bytes, not a String: decoding and regex-scanning 200 copies of the snapshot per edit would make
    // this simulator, which shares the machine with the server, the bottleneck being measured.
    client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
      long now = System.nanoTime();
      if (failure != null || response.statusCode() >= 400) {
        if (running) {
          errors.incrementAndGet();
          if (firstError == null) {
            firstError = failure != null ? failure.toString()
                : "HTTP " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8);
          }
          // Back off a little, as an agent would, instead of spinning on a failing server.
          java.util.concurrent.CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS)
              .execute(() -> poll(agent));
        }
        return;
      }
      byte[] body = response.body();
      // The revision comes first in the snapshot: {"revision":N,...
      Matcher revision = REVISION.matcher(new String(body, 0, Math.min(64, body.length), StandardCharsets.ISO_8859_1));
      if (response.statusCode() == 200 && revision.find()) {
        snapshotsReceived.incrementAndGet();
        bytesReceived.addAndGet(body.length);
        lastRevision[agent] = Long.parseLong(revision.group(1));
        int edit = marker(body);
        if (edit >= 0) {
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

  private static final byte[] WEIGHT = "\"weight\":".getBytes(StandardCharsets.US_ASCII);

  /**
   * The edit number in the snapshot: the benchmark gives v2 the weight {@code 1000 + edit}, the only
   * weight of four digits starting with 1; -1 when there is none.
   */
  static int marker(byte[] body) {
    outer:
    for (int i = 0; i + WEIGHT.length + 4 <= body.length; i++) {
      for (int j = 0; j < WEIGHT.length; j++) {
        if (body[i + j] != WEIGHT[j]) {
          continue outer;
        }
      }
      int p = i + WEIGHT.length;
      while (p < body.length && body[p] == ' ') {
        p++;
      }
      if (p + 4 > body.length || body[p] != '1') {
        continue;
      }
      int value = 0;
      for (int k = 1; k <= 3; k++) {
        byte b = body[p + k];
        if (b < '0' || b > '9') {
          continue outer;
        }
        value = value * 10 + (b - '0');
      }
      if (p + 4 < body.length && body[p + 4] >= '0' && body[p + 4] <= '9') {
        continue; // five digits or more: not the marker
      }
      return value;
    }
    return -1;
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
