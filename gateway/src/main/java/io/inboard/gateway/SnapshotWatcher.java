package io.inboard.gateway;

import io.inboard.core.controlplane.ConfigServerClient;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.controlplane.SocketHttpTransport;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Watches the config server: {@code GET /v1/snapshot?since=REV} long-polls, each answer a whole
 * snapshot newer than the last. On failure it backs off (exponentially, jittered, up to 10 s) and
 * the last snapshot stays in force, so the gateway keeps routing while the server is away. The
 * first watch after a failure asks with {@code since=-1} and takes the snapshot the server has
 * then, whatever its revision: a server that came back with a lost store counts its revisions
 * again from the start and may reach the number this gateway holds with other content.
 */
final class SnapshotWatcher implements SnapshotSource {
  private static final System.Logger LOG = System.getLogger(SnapshotWatcher.class.getName());
  private static final Duration HOLD = Duration.ofSeconds(30);
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI server;
  private final ConfigServerClient client;
  private volatile boolean closed;
  private Thread thread;
  /** The revision of the last snapshot taken, -1 before the first. */
  private long revision = -1;
  /** Whether the next watch asks for the server's current snapshot (since=-1): at first and after any failure. */
  private boolean resync = true;

  SnapshotWatcher(URI server, String token) {
    this.server = server;
    // Blocking HTTP on this one thread, as the agent watches: a closed or reset connection is seen
    // by the read at once, with no selector thread or executor between. Through the JDK's
    // HttpClient, a gateway once failed to get back in touch with a config server that had stopped
    // and started again within 40 s (seen once in CI, not reproduced in 30 runs on a loaded machine).
    this.client = new ConfigServerClient(server, token, new SocketHttpTransport(CONNECT_TIMEOUT));
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
        resync = false;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        resync = true;
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

  /**
   * One long-poll: the new snapshot, or {@code null} when the hold timed out unchanged. When
   * resynchronizing it asks with {@code since=-1}, which the server answers at once with its current
   * snapshot.
   */
  Snapshot poll() throws IOException {
    Optional<SnapshotWire.Content> next = client.watch(resync ? -1 : revision, HOLD);
    if (next.isEmpty()) {
      return null;
    }
    try {
      return next.get().compile();
    } catch (IllegalArgumentException e) {
      throw new IOException("the config server sent a snapshot this gateway cannot use: " + e.getMessage(), e);
    }
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
