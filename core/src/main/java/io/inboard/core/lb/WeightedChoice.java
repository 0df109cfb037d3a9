package io.inboard.core.lb;

import java.util.random.RandomGenerator;

/**
 * Picks one of several options by relative weight: at random (Istio's behaviour), or from a point
 * in [0, 1) that a key's hash gives (the sticky canary). Options keep their listed order, so a
 * point falls into the cumulative weight ranges in that order: raising a later option's weight
 * only moves points into it.
 */
public final class WeightedChoice {
  private final int[] cumulative;
  private final int total;

  /** @param weights relative, non-negative, at least one positive */
  public WeightedChoice(int[] weights) {
    cumulative = new int[weights.length];
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] < 0) {
        throw new IllegalArgumentException("weight " + weights[i] + " at " + i + " is negative");
      }
      sum += weights[i];
      cumulative[i] = sum;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("at least one weight must be positive");
    }
    total = sum;
  }

  public int size() {
    return cumulative.length;
  }

  public int total() {
    return total;
  }

  /** The option owning {@code r} in [0, total). */
  public int pickAt(int r) {
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  public int pickRandom(RandomGenerator random) {
    return cumulative.length == 1 ? 0 : pickAt(random.nextInt(total));
  }

  /**
   * The option whose cumulative range holds {@code point} (in [0, 1)) scaled to the total weight.
   * Ranges are compared as fractions of the total, so a split of 9:1 and one of 90:10 send every
   * point to the same option.
   */
  public int pickAtPoint(double point) {
    double scaled = point * total;
    for (int i = 0; i < cumulative.length; i++) {
      if (scaled < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  /** The upper end of option {@code i}'s range, as a fraction of the total. */
  public double upperBound(int i) {
    return (double) cumulative[i] / total;
  }

  /** Maps a 64-bit hash to a point in [0, 1) using its top 53 bits. */
  public static double pointOf(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
