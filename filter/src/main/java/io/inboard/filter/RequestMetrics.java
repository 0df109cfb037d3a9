package io.inboard.filter;

/**
 * Where request measurements go. The filter depends on nothing else, so it runs without a metrics
 * library on the class path; the Java agent plugs in an implementation that exposes Istio's metric
 * names. Implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface RequestMetrics {
  /** Measures nothing. */
  RequestMetrics NONE = sample -> {};

  void record(RequestSample sample);

  /**
   * Records one request of {@code series} (labels as in {@link RequestSample#series()}) that ended
   * with {@code status} after {@code nanos}. The filter calls this once per request with the same
   * long-lived series object, so an implementation can find its meters without building a sample
   * per request; the default builds one and calls {@link #record(RequestSample)}.
   */
  default void record(RequestSample series, int status, long nanos) {
    record(series.withOutcome(status, nanos));
  }
}
