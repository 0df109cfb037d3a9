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
}
