package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.core.route.Decision;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places for rules' mirrors in flight, shared by every client: a slow or dead mirror destination
 * must never pile work up inside the application, so beyond {@code limit} copies in flight a new one
 * is dropped and counted, never queued. OkHttp's copies are sent from a few threads of the agent's
 * own (its calls block a thread), at most one per place, started on demand and gone when idle.
 *
 * <p>Public, with the members OkHttp's classes use: those classes are also defined in the class
 * loader of an application's own OkHttp, a package of another loader, while this one stays shared.
 */
public final class Mirrors {
  /** How many copies may be in flight at once, across all clients. */
  static final int MAX_IN_FLIGHT = 64;

  /** A copy's time limit when its rule sets no {@code timeout}: one that never answers must not hold a place. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The largest body copied: a copy's cost stays small next to the call it copies. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private final OutboundRouting routing;
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile ThreadPoolExecutor threads;

  Mirrors(OutboundRouting routing, int limit) {
    this.routing = routing;
    this.limit = limit;
  }

  /** A copy's time limit: the rule's {@code timeout}, as Envoy bounds its shadow requests, else the default. */
  public static Duration timeout(CallPlan.Routed plan) {
    return plan.timeout() != null ? plan.timeout() : DEFAULT_TIMEOUT;
  }

  /** Whether {@code mirror} has an instance to send its copy to; counted when its destination has none. */
  public boolean reachable(Decision.Mirror mirror) {
    if (mirror.instance() == null) {
      routing.recordMirror(MirrorResult.NO_INSTANCE);
      return false;
    }
    return true;
  }

  /** Takes a place for a copy; {@code false} (counted as dropped) when none is free. */
  boolean tryStart() {
    while (true) {
      int now = inFlight.get();
      if (now >= limit) {
        routing.recordMirror(MirrorResult.DROPPED);
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back the place {@link #tryStart} took, counting how the copy ended. */
  public void finished(MirrorResult result) {
    inFlight.decrementAndGet();
    routing.recordMirror(result);
  }

  /** Counts a copy that was not sent at all. */
  public void skipped(MirrorResult result) {
    routing.recordMirror(result);
  }

  /** Records a failure of the mirroring itself; the application's call is not affected. */
  public void failed(String where, Throwable error) {
    routing.recordFailure(where, error);
  }

  /**
   * Runs a blocking {@code send} on a mirror thread when a place is free; {@code send} must call
   * {@link #finished} once. Returns at once either way.
   */
  public void run(Runnable send) {
    if (!tryStart()) {
      return;
    }
    try {
      threads().execute(send);
    } catch (RejectedExecutionException e) {
      // Every thread still busy for an instant after giving its place back: the same as full.
      finished(MirrorResult.DROPPED);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  private ThreadPoolExecutor threads() {
    ThreadPoolExecutor pool = threads;
    if (pool == null) {
      synchronized (this) {
        pool = threads;
        if (pool == null) {
          AtomicInteger count = new AtomicInteger();
          // No queue: a copy starts at once on an idle or new thread, or is dropped.
          pool = new ThreadPoolExecutor(0, limit, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
              task -> new MirrorThread(task, "inboard-mirror-" + count.incrementAndGet()));
          threads = pool;
        }
      }
    }
    return pool;
  }

  /**
   * A thread that sends copies. An {@code HttpURLConnection} it opens is the copy itself, which the
   * agent's hook in its connect must leave as it is (the copy is already routed).
   */
  static final class MirrorThread extends Thread {
    MirrorThread(Runnable task, String name) {
      super(task, name);
      setDaemon(true);
    }
  }
}
