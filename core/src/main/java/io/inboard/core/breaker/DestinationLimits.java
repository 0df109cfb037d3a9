package io.inboard.core.breaker;

import io.inboard.core.model.ConnectionPoolSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The circuit breaker of one destination (host, or host and subset), as an Envoy cluster's: the
 * requests and the retries in flight to it from this caller, and the limits they are held to.
 * Every {@code tryStart...} that returns {@code true} must be paired with its {@code end...}, once,
 * however the call ends.
 */
public final class DestinationLimits {
  private final String host;
  private final String subset;
  /** The port a {@code portLevelSettings} entry gives its own limits, else 0. */
  private final int port;
  private final Consumer<Overflow> listener;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicBoolean requestOverflowSeen = new AtomicBoolean();
  private final AtomicBoolean retryOverflowSeen = new AtomicBoolean();
  private volatile ConnectionPoolSettings settings;

  DestinationLimits(String host, String subset, int port, ConnectionPoolSettings settings,
      Consumer<Overflow> listener) {
    this.host = host;
    this.subset = subset;
    this.port = port;
    this.settings = settings;
    this.listener = listener;
  }

  void update(ConnectionPoolSettings next) {
    settings = next;
  }

  public String host() {
    return host;
  }

  /** {@code null} for the host without a subset. */
  public String subset() {
    return subset;
  }

  public ConnectionPoolSettings settings() {
    return settings;
  }

  /** {@code tcp.connectTimeout}, or {@code null} for the client's own. */
  public Duration connectTimeout() {
    return settings.connectTimeout();
  }

  /**
   * Takes a request slot; {@code false} (and the overflow reported) when the destination already
   * has its most requests in flight: the caller answers 503 without sending.
   */
  public boolean tryStartRequest() {
    return tryStart(requests, settings.maxRequests(), Overflow.Kind.REQUESTS, requestOverflowSeen);
  }

  public void endRequest() {
    requests.decrementAndGet();
  }

  /**
   * Takes a retry slot before a retry is sent; {@code false} (and the overflow reported) when
   * {@code maxRetries} retries are in flight, or with a {@code retryBudget} the share of the
   * requests in flight it allows: the retry is not made and the last answer stands.
   */
  public boolean tryStartRetry() {
    ConnectionPoolSettings s = settings;
    return tryStart(retries, s.maxRetries(requests.get()), Overflow.Kind.RETRIES, retryOverflowSeen);
  }

  public void endRetry() {
    retries.decrementAndGet();
  }

  public int requestsInFlight() {
    return requests.get();
  }

  public int retriesInFlight() {
    return retries.get();
  }

  private boolean tryStart(AtomicInteger count, long max, Overflow.Kind kind, AtomicBoolean seen) {
    // A compare-and-set loop rather than increment-then-undo: a turned-away call never shows as in
    // flight, so it cannot turn away another one that would have fitted.
    for (int now = count.get(); now < max; now = count.get()) {
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    try {
      listener.accept(new Overflow(host, subset, port, kind, max, seen.compareAndSet(false, true)));
    } catch (RuntimeException e) {
      // Reporting must never be the thing that fails a request.
    }
    return false;
  }
}
