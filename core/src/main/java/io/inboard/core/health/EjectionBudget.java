package io.inboard.core.health;

/**
 * How many of a destination's instances outlier detection may hold out at once:
 * {@code maxEjectionPercent} of them, and always at least one. Envoy's documented rule ("defaults
 * to 10% but will eject at least one host regardless of the value"; in recent versions its
 * {@code always_eject_one_host}), so that with Istio's default of 10% a destination of fewer than
 * ten instances can still lose its one failing instance. A percentage of 0 ejects nothing.
 */
final class EjectionBudget {
  private EjectionBudget() {}

  /** Whether one more of {@code instances} may be ejected while {@code ejected} already are. */
  static boolean allows(int ejected, int instances, int maxEjectionPercent) {
    if (maxEjectionPercent <= 0 || instances <= 0) {
      return false;
    }
    return ejected == 0 || (ejected + 1) * 100L <= (long) maxEjectionPercent * instances;
  }
}
