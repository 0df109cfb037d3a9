package io.inboard.agent.runtime;

import io.inboard.core.controlplane.ConfigServerException;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's one control-plane thread: keeps this instance's lease (register, renew every third of
 * the ttl, re-register after the server comes back), long-polls the snapshot, puts each new one in
 * force and hands it to the cache writer. When the server cannot be reached it backs off with
 * jitter; routing goes on with the last snapshot, and at start with the cached one.
 */
final class ControlPlaneLoop implements Runnable {
  private static final Duration HOLD = Duration.ofSeconds(30);

  private final ConfigServerConnection connection;
  private final SnapshotCache cache;
  private final RoutingState state;
  private final Supplier<Instance> instance;
  private final Duration ttl;
  private final AgentRuntime runtime;
  private final Backoff backoff = new Backoff(200, 10_000);
  private final Backoff registerBackoff = new Backoff(500, 10_000);
  private final Object wake = new Object();
  private final CacheWriter cacheWriter;

  private volatile boolean stopped;
  private volatile Instance registered;
  private long revision = -1;
  private long nextRegistrationNanos = System.nanoTime();
  private boolean failing;

  ControlPlaneLoop(
      ConfigServerConnection connection,
      SnapshotCache cache,
      RoutingState state,
      Supplier<Instance> instance,
      Duration ttl,
      AgentRuntime runtime) {
    this.connection = connection;
    this.cache = cache;
    this.state = state;
    this.instance = instance;
    this.ttl = ttl;
    this.runtime = runtime;
    this.cacheWriter = new CacheWriter(cache, runtime);
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        keepLease();
        SnapshotWire.Content content = connection.watch(revision, watchHold());
        if (failing) {
          failing = false;
          AgentLog.info("[inboard] config server " + connection.server() + " reachable again");
        }
        backoff.reset();
        if (content != null) {
          apply(content);
        }
      } catch (IOException | RuntimeException e) {
        if (stopped) {
          return;
        }
        serverUnreachable(e);
        pause(backoff.next());
      } catch (Error e) {
        runtime.recordFailure("control-plane", e);
        pause(backoff.next());
      }
    }
  }

  /** Wakes the loop so that a newly known port is registered without waiting for the poll. */
  void nudge() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  void stop() {
    stopped = true;
    cacheWriter.stop();
    nudge();
  }

  /** Removes this instance's lease, best effort and bounded (called from the shutdown hook). */
  void deregister() {
    Instance current = registered;
    if (current == null) {
      return;
    }
    try {
      connection.deregister(current);
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("[inboard] could not deregister " + current.id() + ": " + e);
    }
  }

  /** Puts a new snapshot in force, then has it kept on disk by the cache writer's thread. */
  private void apply(SnapshotWire.Content content) {
    revision = content.revision();
    Snapshot snapshot;
    try {
      snapshot = content.compile();
    } catch (IllegalArgumentException e) {
      // Keep routing by the last good snapshot (at start: the cached one); a newer revision will
      // replace this one.
      runtime.recordFailure("snapshot.decode", e);
      if (!state.hasSnapshot()) {
        loadCache();
      }
      return;
    }
    state.apply(snapshot, content, "server");
    cacheWriter.submit(content);
  }

  private void serverUnreachable(Exception e) {
    if (!failing) {
      failing = true;
      // A server that comes back may have restarted and forgotten its leases: register again
      // first thing once it answers.
      nextRegistrationNanos = System.nanoTime();
      String why = e.getMessage();
      AgentLog.warning(
          "[inboard] config server "
              + connection.server()
              + " unavailable ("
              + why
              + "); routing goes on with revision "
              + state.peek().snapshot().revision()
              + ", retrying with back-off");
    }
    if (!state.hasSnapshot()) {
      loadCache();
    }
  }

  /** At start with no server: route by the snapshot kept on disk, if any. */
  private void loadCache() {
    try {
      byte[] wire = cache.read();
      if (wire == null) {
        return;
      }
      SnapshotWire.Content content = SnapshotWire.decode(wire);
      Snapshot snapshot = content.compile();
      state.apply(snapshot, content, "cache");
      revision = snapshot.revision();
      AgentLog.info("[inboard] routing from the cached snapshot " + cache.file() + " (revision " + revision + ")");
    } catch (IOException | RuntimeException e) {
      runtime.recordFailure("snapshot.cache-read", e);
    }
  }

  /** Registers or renews when due and the instance is known; its failures do not stop the watch. */
  private void keepLease() {
    if (System.nanoTime() - nextRegistrationNanos < 0) {
      return;
    }
    Instance current = instance.get();
    if (current == null) {
      // Not known yet (the container's port) or never (no service name, port never seen).
      nextRegistrationNanos =
          System.nanoTime() + (runtime.willRegister() ? TimeUnit.SECONDS.toNanos(1) : Long.MAX_VALUE / 4);
      return;
    }
    boolean firstTime = registered == null;
    // Remembered before the call: a shutdown during the first registration still deregisters.
    registered = current;
    try {
      connection.register(current, ttl);
      if (firstTime) {
        AgentLog.info("[inboard] registered " + current.id() + " (" + current.address() + ":" + current.port() + ") with " + connection.server());
      }
      registerBackoff.reset();
      nextRegistrationNanos = System.nanoTime() + ttl.toNanos() / 3;
    } catch (IOException | RuntimeException e) {
      nextRegistrationNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(registerBackoff.next());
      // A refusal (bad token, invalid identity) is worth a log line; an unreachable server is
      // already reported by the watch.
      if (e instanceof ConfigServerException || e instanceof RuntimeException) {
        runtime.recordFailure("control-plane.register", e);
      }
    }
  }

  /** Poll no longer than until the next lease renewal is due (or a pending port may be known). */
  private Duration watchHold() {
    long untilLease = nextRegistrationNanos - System.nanoTime();
    if (untilLease <= TimeUnit.SECONDS.toNanos(1)) {
      return Duration.ofSeconds(2);
    }
    Duration d = Duration.ofNanos(untilLease).plusMillis(999);
    return d.compareTo(HOLD) < 0 ? Duration.ofSeconds(Math.max(1, d.toSeconds())) : HOLD;
  }

  private void pause(long millis) {
    synchronized (wake) {
      try {
        if (!stopped) {
          wake.wait(millis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
