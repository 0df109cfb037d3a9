package io.inboard.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Holds {@code GET /v1/snapshot?since=REV} requests until the revision moves or their timeout
 * passes. A waiting watch is a small object in a set — no thread, no timer entry — and Jetty's
 * callback is completed when it is answered, so thousands can wait at once. A new revision is
 * fanned out from a notifier thread (helped by one thread per further core), so the write that
 * caused it is answered without waiting for the fan-out.
 */
final class WatchHub implements AutoCloseable {
  /**
   * How often held watches are checked for their timeout. A watch may be answered this much after
   * its timeout; in exchange a watch costs no timer entry to schedule and to cancel when it is
   * woken, which a fan-out to thousands would otherwise do thousands of times under one lock.
   */
  static final Duration SWEEP = Duration.ofMillis(250);

  /** What the hub needs of a watch request: {@link Exchange} in the server, a recorder in tests. */
  interface Watch {
    /**
     * Called on the request's thread before the watch is held: whatever should not be done later,
     * in the middle of a fan-out, and keeping the request open beyond the idle timeout.
     */
    void prepareToHold();

    /** Tells {@code listener} when the client goes away while the watch is held. */
    void onFailure(Consumer<Throwable> listener);

    void sendSnapshot(Published p);

    void sendNotModified(boolean closing);

    void abandon(Throwable cause);
  }

  private final ControlPlane controlPlane;
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService sweeper;
  private final ExecutorService notifier;
  private final FanOut fanOut;
  private volatile LongConsumer fanOutNanos = n -> { };
  /** Set first thing in {@link #close}: from then on no watch is held, every one is answered 304. */
  private volatile boolean closed;

  WatchHub(ControlPlane controlPlane) {
    this(controlPlane, Executors.newSingleThreadExecutor(daemon("inboard-watch-notifier")));
  }

  /** @param notifier runs each fan-out, one at a time, in the order of the revisions */
  WatchHub(ControlPlane controlPlane, ExecutorService notifier) {
    this.controlPlane = controlPlane;
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("inboard-watch-timeouts"));
    this.notifier = notifier;
    this.fanOut = FanOut.perCore("inboard-watch-fanout");
    sweeper.scheduleWithFixedDelay(this::expireDue, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    controlPlane.onPublish(this::published);
  }

  private void published(Published p) {
    try {
      notifier.execute(() -> wake(p));
    } catch (RejectedExecutionException e) {
      // Closing: every waiter has been (or is being) answered 304 and will ask again elsewhere.
    }
  }

  /** Told how long each fan-out took to hand a revision to every woken watcher (for metrics). */
  void onFanOut(LongConsumer recorder) {
    this.fanOutNanos = recorder;
  }

  int waiting() {
    return waiting.size();
  }

  /**
   * Answers at once when the current revision differs from {@code since} (newer, or older after
   * the server lost instance-only revisions) or the timeout is zero, otherwise holds the exchange.
   */
  void watch(Watch exchange, long since, Duration timeout) {
    Published now = controlPlane.current();
    if (now.revision() != since) {
      exchange.sendSnapshot(now);
      return;
    }
    if (closed || timeout.isZero()) {
      exchange.sendNotModified(closed);
      return;
    }
    exchange.prepareToHold();
    Waiter w = new Waiter(exchange, since, System.nanoTime() + timeout.toNanos());
    waiting.add(w);
    exchange.onFailure(w::abandon);
    // close() may have drained the set just before add(); this waiter must not be left behind.
    if (closed) {
      w.expire();
      return;
    }
    // A revision published between the check above and add() would otherwise be missed.
    Published again = controlPlane.current();
    if (again.revision() != since) {
      w.complete(again);
    }
  }

  private void wake(Published p) {
    long start = System.nanoTime();
    List<Waiter> due = new ArrayList<>(waiting.size());
    for (Waiter w : waiting) {
      // The notifier may run behind: a watcher that asked after a later revision was published
      // already holds this one or a newer one, and answering it would take it back. The fan-out of
      // the revision after its own answers it.
      if (w.since < p.revision()) {
        due.add(w);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    fanOut.forEach(due, w -> w.complete(p));
    fanOutNanos.accept(System.nanoTime() - start);
  }

  private void expireDue() {
    long now = System.nanoTime();
    for (Waiter w : waiting) {
      if (now - w.deadlineNanos >= 0) {
        w.expire();
      }
    }
  }

  private final class Waiter {
    final Watch exchange;
    final long since;
    final long deadlineNanos;
    final AtomicBoolean done = new AtomicBoolean();

    Waiter(Watch exchange, long since, long deadlineNanos) {
      this.exchange = exchange;
      this.since = since;
      this.deadlineNanos = deadlineNanos;
    }

    void complete(Published p) {
      if (finish()) {
        exchange.sendSnapshot(p);
      }
    }

    void expire() {
      if (finish()) {
        exchange.sendNotModified(closed);
      }
    }

    void abandon(Throwable cause) {
      if (finish()) {
        exchange.abandon(cause);
      }
    }

    /** True for exactly one caller: whoever answers the watch. */
    private boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      waiting.remove(this);
      return true;
    }
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Answers every held watch 304 with {@code Connection: close}, so that watchers ask again (and
   * find the restarted or next server) instead of seeing an error, then stops the hub's threads.
   * Watches that arrive from now on are answered the same way at once.
   */
  @Override
  public void close() {
    closed = true;
    for (Waiter w : waiting) {
      w.expire();
    }
    // shutdown(), not shutdownNow(): interrupting a thread in the middle of a socket write would
    // close that watcher's connection instead of answering it.
    sweeper.shutdown();
    notifier.shutdown();
    fanOut.close();
  }
}
