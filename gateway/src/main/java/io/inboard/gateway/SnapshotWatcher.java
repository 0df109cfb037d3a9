package io.inboard.gateway;

import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Watches the config server: {@code GET /v1/snapshot?since=REV} long-polls, each answer a whole
 * snapshot newer than the last. On failure it backs off (exponentially, jittered, up to 10 s) and
 * the last snapshot stays in force, so the gateway keeps routing while the server is away.
 */
final class SnapshotWatcher implements SnapshotSource {
  private static final System.Logger LOG = System.getLogger(SnapshotWatcher.class.getName());
  private static final int HOLD_SECONDS = 30;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private final URI server;
  private final String token;
  private final HttpClient client;
  private volatile boolean closed;
  private Thread thread;
  private long revision;

  SnapshotWatcher(URI server, String token) {
    this.server = server;
    this.token = token;
    this.client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  @Override
  public void start(Consumer<Snapshot> sink) {
    thread = new Thread(() -> watch(sink), "inboard-gateway-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch(Consumer<Snapshot> sink) {
    long backoff = 0;
    boolean failing = false;
    while (!closed) {
      try {
        Snapshot snapshot = poll();
        if (failing) {
          LOG.log(Level.INFO, "config server " + server + " reachable again");
          failing = false;
        }
        backoff = 0;
        if (snapshot != null) {
          revision = snapshot.revision();
          sink.accept(snapshot);
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          LOG.log(Level.WARNING, "cannot watch config server " + server + " (" + e.getMessage()
              + "); keeping revision " + revision + " and retrying with back-off");
          failing = true;
        }
        backoff = backoff == 0 ? 200 : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        try {
          Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /** One long-poll: the new snapshot, or {@code null} when the hold timed out unchanged. */
  Snapshot poll() throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(server + "/v1/snapshot?since=" + revision + "&timeoutSeconds=" + HOLD_SECONDS))
        .timeout(Duration.ofSeconds(HOLD_SECONDS + 15))
        .header("Accept", "application/json")
        .GET();
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 304) {
      return null;
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new IOException("the config server refused the token (" + response.statusCode()
          + "); give the agent token with --token or INBOARD_GATEWAY_TOKEN");
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET /v1/snapshot answered " + response.statusCode() + ": "
          + abbreviate(response.body()));
    }
    return decode(response.body());
  }

  /** The wire form ({@link SnapshotWire}) → a compiled snapshot. */
  static Snapshot decode(String body) throws IOException {
    try {
      return SnapshotWire.decodeSnapshot(body.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("the config server sent a snapshot this gateway cannot use: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  @Override
  public String describe() {
    return "config server " + server;
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
