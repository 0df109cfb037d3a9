package io.inboard.core.model;

/** Istio's {@code Percent} ({@code {value: 12.5}}): a share between 0 and 100, inclusive. */
public record Percent(double value) {
  public static final Percent HUNDRED = new Percent(100);

  /** The share as a fraction in [0, 1]. */
  public double fraction() {
    return value / 100.0;
  }
}
