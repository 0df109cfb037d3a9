package io.inboard.agent.instrument.outbound;

import io.inboard.core.breaker.DestinationLimits;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The place one {@code HttpURLConnection} call holds in its destination's circuit breaker: its
 * request slot, from its connect until its answer's headers are in or it ended without them, and
 * the retry slot of a connect being retried. Given back exactly once, by whichever comes first: the
 * routing seeing the call end, or the connection being garbage collected (an application that
 * connects and then drops the connection, without reading it or calling {@code disconnect()}, must
 * not hold its destination's slot for ever). It holds nothing that reaches the connection, so that
 * the connection can be collected.
 */
final class UrlConnectionSlot implements Runnable {
  /** One daemon thread, started with the first limited call, gives back the slots of dropped connections. */
  private static final class Collected {
    static final Cleaner CLEANER = Cleaner.create(task -> {
      Thread thread = new Thread(task, "inboard-connection-slots");
      thread.setDaemon(true);
      return thread;
    });
  }

  private final DestinationLimits limits;
  /** The routing's count of slots held, which lets connections without one skip the look-up. */
  private final AtomicInteger held;
  private final AtomicBoolean retryHeld = new AtomicBoolean();
  private final Cleaner.Cleanable cleanable;

  /**
   * The slot of {@code connection}, already taken from {@code limits} ({@link DestinationLimits#tryStartRequest}).
   */
  UrlConnectionSlot(Object connection, DestinationLimits limits, AtomicInteger held) {
    this.limits = limits;
    this.held = held;
    held.incrementAndGet();
    this.cleanable = Collected.CLEANER.register(connection, this);
  }

  /**
   * Takes a retry slot for a connect about to be retried; {@code false} when {@code maxRetries}
   * retries are in flight (the retry is not made).
   */
  boolean tryStartRetry() {
    endRetry();
    if (!limits.tryStartRetry()) {
      return false;
    }
    retryHeld.set(true);
    return true;
  }

  /** The retried connect's outcome is known: its retry slot is given back (once). */
  void endRetry() {
    if (retryHeld.compareAndSet(true, false)) {
      limits.endRetry();
    }
  }

  /** The call is over: its slots are given back; later calls of this do nothing. */
  void end() {
    cleanable.clean(); // runs run() at most once, and never again when the connection is collected
  }

  /** Gives the slots back: through {@link #end}, or when the connection was collected. */
  @Override
  public void run() {
    endRetry();
    limits.endRequest();
    held.decrementAndGet();
  }
}
