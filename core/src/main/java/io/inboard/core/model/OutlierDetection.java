package io.inboard.core.model;

import java.time.Duration;

/**
 * Istio's {@code outlierDetection}: eject an instance after consecutive failures, for
 * {@code baseEjectionTime} times the number of times it was ejected, never more than
 * {@code maxEjectionPercent} of the instances. Fields not given take {@link #DEFAULTS}' values.
 *
 * @param consecutiveGatewayErrors 0 disables the gateway-error counter
 * @param minHealthPercent Envoy's panic threshold: while fewer than this percentage of the
 *     instances are not ejected, balance over all of them; 0 (Istio's default) never does, so a
 *     destination whose instances are all ejected has no instance to send to
 * @param splitExternalLocalOriginErrors whether a try that got no answer (refused, reset, timed out)
 *     counts apart from the instance's answers, towards {@code consecutiveLocalOriginFailures}
 *     only; when {@code false} (Istio's default) it counts as a 5xx and a gateway error
 * @param consecutiveLocalOriginFailures with the split, the tries in a row without an answer that
 *     eject an instance; 0 turns that count off (default 5)
 */
public record OutlierDetection(
    int consecutive5xxErrors,
    int consecutiveGatewayErrors,
    Duration interval,
    Duration baseEjectionTime,
    int maxEjectionPercent,
    int minHealthPercent,
    boolean splitExternalLocalOriginErrors,
    int consecutiveLocalOriginFailures) {

  /** Envoy's {@code consecutive_local_origin_failure} default, which Istio leaves in place. */
  public static final int DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES = 5;

  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  private static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);

  public static final OutlierDetection DEFAULTS =
      new OutlierDetection(5, 0, DEFAULT_INTERVAL, DEFAULT_BASE_EJECTION_TIME, 10, 0, false,
          DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES);

  /** Envoy's {@code max_ejection_time} default, which Istio leaves in place. */
  private static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

  public OutlierDetection {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    baseEjectionTime = baseEjectionTime == null ? DEFAULT_BASE_EJECTION_TIME : baseEjectionTime;
  }

  /** A policy that counts a try without an answer as a 5xx and a gateway error, as Istio's default. */
  public OutlierDetection(int consecutive5xxErrors, int consecutiveGatewayErrors, Duration interval,
      Duration baseEjectionTime, int maxEjectionPercent, int minHealthPercent) {
    this(consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent,
        minHealthPercent, false, DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES);
  }

  /** A policy with Istio's {@code minHealthPercent} default, 0: no panic mode. */
  public OutlierDetection(int consecutive5xxErrors, int consecutiveGatewayErrors, Duration interval,
      Duration baseEjectionTime, int maxEjectionPercent) {
    this(consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent, 0);
  }

  /**
   * Whether balancing should ignore ejections (Envoy's panic mode) while {@code available} of
   * {@code instances} are not ejected: when their share is below {@code minHealthPercent}.
   */
  public boolean panics(int available, int instances) {
    return (long) available * 100 < (long) minHealthPercent * instances;
  }

  /**
   * The longest one ejection lasts however often an instance was ejected: Envoy's 300 s, or
   * {@code baseEjectionTime} when that is longer (Istio then sets {@code max_ejection_time} to it).
   */
  public Duration maxEjectionTime() {
    return baseEjectionTime.compareTo(DEFAULT_MAX_EJECTION_TIME) > 0 ? baseEjectionTime : DEFAULT_MAX_EJECTION_TIME;
  }
}
