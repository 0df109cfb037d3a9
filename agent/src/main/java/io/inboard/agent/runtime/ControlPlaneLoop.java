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
 * the ttl, register again at once after the server comes back or looks restarted), long-polls the
 * snapshot, puts each new one in force and hands it to the cache writer. When the server cannot be
 * reached it backs off with jitter; routing goes on with the last snapshot, and at start with the
 * cached one.
 *
 * <p>The lease's schedule is shared with {@link #registerSoon}, which registers a port detected
 * while the loop is in a long poll; both hold {@code lease} while they touch it.
 */
final class ControlPlaneLoop implements Runnable {
  private static final Duration HOLD = Duration.ofSeconds(30);
  /** How long the first contact may take to answer (at most; see {@link #firstAnswerTimeout}). */
  private static final Duration FIRST_ANSWER = Duration.ofSeconds(1);

  private final ConfigServerConnection connection;
  private final SnapshotCache cache;
  private final RoutingState state;
  private final Supplier<Instance> instance;
  private final Duration ttl;
  private final AgentRuntime runtime;
  private final Backoff backoff = new Backoff(200, 10_000);
  private final Backoff registerBackoff = new Backoff(500, 10_000);
  private final Object wake = new Object();
  private final Object lease = new Object();
  private final CacheWriter cacheWriter;
  private final Duration firstAnswer;

  private volatile boolean stopped;
  private volatile Instance registered;
  private long revision = -1;
  private boolean firstContact = true;
  private boolean failing;
  // Written holding lease:
  private volatile long nextRegistrationNanos = System.nanoTime();
  /** The server's revision after the last successful registration; -1 while there is none. */
  private volatile long leaseRevision = -1;

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
    this.firstAnswer = firstAnswerTimeout(runtime.options().firstSnapshotWait());
  }

  /**
   * The first contact's answer timeout: 1 s, or half of first-snapshot-wait when that is shorter,
   * so that the cached snapshot is in force before the first outbound call stops waiting.
   */
  static Duration firstAnswerTimeout(Duration firstSnapshotWait) {
    Duration half = firstSnapshotWait.dividedBy(2);
    Duration bounded = half.compareTo(FIRST_ANSWER) < 0 ? half : FIRST_ANSWER;
    return bounded.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : bounded;
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        SnapshotWire.Content content;
        if (firstContact) {
          // Before registering (which may wait long on a hung server): the snapshot, answered at once
          // by a working server, or a quick failure that puts the cached one in force.
          firstContact = false;
          content = connection.current(firstAnswer);
        } else {
          keepLease();
          content = connection.watch(revision, watchHold());
        }
        if (failing) {
          failing = false;
          AgentLog.info("[inboard] config server " + connection.server() + " reachable again");
          // Renewals that failed during the outage pushed the next one out (up to the back-off's
          // 10 s); the server may have restarted and forgotten the lease: register now.
          registerNow();
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

  /** Wakes the loop from a back-off pause. */
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

  /**
   * Registers now, on a thread of its own: a port that became known (even after port-wait ran out)
   * must not wait for the long poll in progress, which can last 30 s.
   */
  void registerSoon() {
    if (stopped) {
      return;
    }
    new InboardThread(
            () -> {
              if (registered == null) {
                registerNow();
              }
              keepLease();
            },
            "inboard-register")
        .start();
  }

  /** Makes the registration due now, with its back-off reset. */
  private void registerNow() {
    synchronized (lease) {
      nextRegistrationNanos = System.nanoTime();
      registerBackoff.reset();
    }
  }

  /**
   * Whether {@code content} says that the server no longer holds this instance's lease: its revision
   * went backwards (a server that lost its data), or a snapshot newer than the registration lacks
   * the instance (a restarted server, or a lease that expired).
   */
  private boolean leaseLost(SnapshotWire.Content content) {
    Instance current = registered;
    long leased = leaseRevision;
    if (current == null || leased < 0) {
      return false;
    }
    if (content.revision() < revision) {
      return true;
    }
    if (content.revision() <= leased) {
      return false;
    }
    for (Instance i : content.instances()) {
      if (i.id().equals(current.id()) && i.namespace().equals(current.namespace())) {
        return false;
      }
    }
    return true;
  }

  /** Puts a new snapshot in force, then has it kept on disk by the cache writer's thread. */
  private void apply(SnapshotWire.Content content) {
    if (leaseLost(content)) {
      AgentLog.info("[inboard] the config server no longer lists " + registered.id() + " (revision "
          + revision + " -> " + content.revision() + "): registering again");
      registerNow();
    }
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
      registerNow();
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

  /**
   * Registers or renews when due and the instance is known; its failures do not stop the watch.
   * Runs on the loop's thread, and on {@link #registerSoon}'s.
   */
  private void keepLease() {
    synchronized (lease) {
      keepLeaseLocked();
    }
  }

  private void keepLeaseLocked() {
    if (stopped || System.nanoTime() - nextRegistrationNanos < 0) {
      return;
    }
    Instance current = instance.get();
    if (current == null) {
      // Not known yet (the container's port) or never (no service name, port never seen): a port
      // detected later calls registerSoon.
      nextRegistrationNanos =
          System.nanoTime() + (runtime.willRegister() ? TimeUnit.SECONDS.toNanos(1) : Long.MAX_VALUE / 4);
      return;
    }
    boolean firstTime = registered == null;
    // Remembered before the call: a shutdown during the first registration still deregisters.
    registered = current;
    try {
      long serverRevision = connection.register(current, ttl);
      if (firstTime) {
        AgentLog.info("[inboard] registered " + current.id() + " (" + current.address() + ":" + current.port() + ") with " + connection.server());
      }
      leaseRevision = Math.max(0, serverRevision);
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
