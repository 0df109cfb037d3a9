package io.inboard.core.model;

import java.time.Duration;

/**
 * Istio's {@code loadBalancer.warmup} (and the older {@code warmupDurationSecs}): Envoy's slow
 * start. An instance new to a destination has its balancing weight scaled down for
 * {@code duration} after it is first seen, by {@link #factor}.
 *
 * @param minimumPercent the least share of its weight a warming instance gets, 0 to 100 (Envoy's
 *     {@code min_weight_percent}, 10 unless given)
 * @param aggression how fast the weight grows: 1 linearly, more than 1 faster at first (Envoy's
 *     {@code aggression}, 1 unless given)
 */
public record Warmup(Duration duration, double minimumPercent, double aggression) {
  public static final double DEFAULT_MINIMUM_PERCENT = 10;
  public static final double DEFAULT_AGGRESSION = 1;

  public Warmup {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("warmup duration must be positive: " + duration);
    }
    if (!(minimumPercent >= 0 && minimumPercent <= 100)) {
      throw new IllegalArgumentException("warmup minimumPercent must be 0 to 100: " + minimumPercent);
    }
    if (!(aggression > 0) || Double.isInfinite(aggression)) {
      throw new IllegalArgumentException("warmup aggression must be positive: " + aggression);
    }
  }

  /** The duration alone, with Envoy's defaults: what {@code warmupDurationSecs} sets. */
  public static Warmup of(Duration duration) {
    return new Warmup(duration, DEFAULT_MINIMUM_PERCENT, DEFAULT_AGGRESSION);
  }

  /**
   * The share of its weight an instance gets {@code sinceSeenNanos} after it was first seen:
   * Envoy's {@code max(minWeightPercent, timeFactor^(1/aggression))}, where the time factor is the
   * time since then over the window, counted in whole milliseconds and at least 1 ms, as Envoy
   * counts it; 1 once the window has passed.
   */
  public double factor(long sinceSeenNanos) {
    long windowMillis = Math.max(1, duration.toMillis());
    long sinceMillis = sinceSeenNanos / 1_000_000;
    if (sinceMillis >= windowMillis) {
      return 1;
    }
    double time = Math.max(1, sinceMillis) / (double) windowMillis;
    double ramp = aggression == 1 ? time : Math.pow(time, 1 / aggression);
    return Math.max(ramp, minimumPercent / 100);
  }
}
