package io.inboard.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds {@code GET /v1/snapshot?since=REV} requests until the revision moves or their timeout
 * passes. A waiting watch is a small object in a set — no thread — and Jetty's callback is
 * completed when it is answered, so thousands can wait at once. A new revision is fanned out from
 * one notifier thread, so the write that caused it is answered without waiting for the fan-out.
 */
final class WatchHub implements AutoCloseable {
  private final ControlPlane controlPlane;
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService notifier;
  private volatile java.util.function.LongConsumer fanOutNanos = n -> { };

  WatchHub(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("inboard-watch-timeouts"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.notifier = java.util.concurrent.Executors.newSingleThreadExecutor(daemon("inboard-watch-notifier"));
    controlPlane.onPublish(p -> notifier.execute(() -> wake(p)));
  }

  /** Told how long each fan-out took to hand a revision to every woken watcher (for metrics). */
  void onFanOut(java.util.function.LongConsumer recorder) {
    this.fanOutNanos = recorder;
  }

  int waiting() {
    return waiting.size();
  }

  /**
   * Answers at once when the current revision differs from {@code since} (newer, or older after
   * the server lost instance-only revisions), otherwise holds the exchange.
   */
  void watch(Exchange exchange, long since, Duration timeout) {
    Published now = controlPlane.current();
    if (now.revision() != since) {
      deliver(exchange, now);
      return;
    }
    Waiter w = new Waiter(exchange, since);
    waiting.add(w);
    // A held request must outlive the connector's idle timeout; our own timer bounds it.
    exchange.request.addIdleTimeoutListener(t -> false);
    exchange.request.addFailureListener(t -> w.abandon(t));
    w.timeout = timer.schedule(w::expire, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    // A revision published between the check above and add() would otherwise be missed.
    Published again = controlPlane.current();
    if (again.revision() != since) {
      w.complete(again);
    }
  }

  private void wake(Published p) {
    long start = System.nanoTime();
    int woken = 0;
    for (Waiter w : waiting) {
      if (w.since != p.revision()) {
        w.complete(p);
        woken++;
      }
    }
    if (woken > 0) {
      fanOutNanos.accept(System.nanoTime() - start);
    }
  }

  private static void deliver(Exchange exchange, Published p) {
    exchange.send(200, Exchange.JSON_TYPE, p.wire());
  }

  private final class Waiter {
    final Exchange exchange;
    final long since;
    final AtomicBoolean done = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Waiter(Exchange exchange, long since) {
      this.exchange = exchange;
      this.since = since;
    }

    void complete(Published p) {
      if (finish()) {
        deliver(exchange, p);
      }
    }

    void expire() {
      if (finish()) {
        exchange.send(304, null, null);
      }
    }

    void abandon(Throwable cause) {
      if (finish()) {
        exchange.abandon(cause);
      }
    }

    private boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      waiting.remove(this);
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    notifier.shutdownNow();
    for (Waiter w : waiting) {
      w.expire();
    }
  }
}
