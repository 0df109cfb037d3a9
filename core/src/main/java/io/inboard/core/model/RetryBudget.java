package io.inboard.core.model;

/**
 * Istio's {@code trafficPolicy.retryBudget}, Envoy's circuit-breaker retry budget: the retries in
 * flight to a destination are limited in proportion to its requests in flight, never below a
 * floor. Where a destination has one, it takes the place of {@code connectionPool.http.maxRetries}.
 *
 * @param percent 0-100, Istio's default 20
 * @param minRetryConcurrency Istio's default 3
 */
public record RetryBudget(double percent, long minRetryConcurrency) {
  public static final double DEFAULT_PERCENT = 20;
  public static final long DEFAULT_MIN_RETRY_CONCURRENCY = 3;

  /** The retries allowed in flight while {@code requestsInFlight} requests are, as Envoy computes it. */
  public long allowedRetries(long requestsInFlight) {
    return Math.max(minRetryConcurrency, (long) (requestsInFlight * percent / 100));
  }
}
