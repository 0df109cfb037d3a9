package io.inboard.core.validate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Istio's duration strings: protobuf's seconds form ({@code 1.5s}, {@code 0.5s}) and the unit
 * forms Kubernetes users write ({@code 250ms}, {@code 1m}, {@code 1h30m}, {@code 10us}).
 */
public final class Durations {
  // protobuf's Duration upper bound: about 10,000 years.
  private static final BigDecimal MAX_NANOS = new BigDecimal("315576000000000000000");
  /**
   * Digits read of a number: more whole digits than MAX_NANOS has exceed it in any unit, and
   * fraction digits past these change no nanosecond. Reading no more keeps a long digit run (which
   * BigDecimal would parse in quadratic time) cheap.
   */
  private static final int MAX_DIGITS = 21;

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong and what a valid duration looks like
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw invalid(text, "it is empty");
    }
    if (s.startsWith("-")) {
      throw invalid(text, "it is negative");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw invalid(text, "expected a number at '" + Names.abbreviate(s.substring(start)) + "'");
      }
      BigDecimal amount = number(text, s.substring(start, i));
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long perUnit = switch (unit) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        case "" -> throw invalid(text, "a unit is missing after " + amount.toPlainString());
        default -> throw invalid(text, "'" + Names.abbreviate(unit)
            + "' is not a unit (use h, m, s, ms, us or ns)");
      };
      nanos = nanos.add(amount.multiply(BigDecimal.valueOf(perUnit)));
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw invalid(text, "it is too long");
      }
    }
    BigInteger whole = nanos.toBigInteger();
    BigInteger[] parts = whole.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
  }

  /**
   * The value of {@code digits} (digits with at most one '.'), reading at most {@link #MAX_DIGITS}
   * significant whole digits and {@link #MAX_DIGITS} fraction digits.
   */
  private static BigDecimal number(String text, String digits) {
    int dot = digits.indexOf('.');
    String whole = dot < 0 ? digits : digits.substring(0, dot);
    String fraction = dot < 0 ? "" : digits.substring(dot + 1);
    if (fraction.indexOf('.') >= 0 || (whole.isEmpty() && fraction.isEmpty())) {
      throw invalid(text, "'" + Names.abbreviate(digits) + "' is not a number");
    }
    int firstSignificant = 0;
    while (firstSignificant < whole.length() - 1 && whole.charAt(firstSignificant) == '0') {
      firstSignificant++;
    }
    whole = whole.substring(firstSignificant);
    if (whole.length() > MAX_DIGITS) {
      throw invalid(text, "it is too long");
    }
    if (fraction.length() > MAX_DIGITS) {
      fraction = fraction.substring(0, MAX_DIGITS);
    }
    return new BigDecimal((whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction));
  }

  /** The shortest readable form, e.g. {@code 1.5s}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.toNanosPart() == 0) {
      return d.getSeconds() + "s";
    }
    if (d.getSeconds() == 0 && d.toNanosPart() % 1_000_000 == 0) {
      return d.toNanosPart() / 1_000_000 + "ms";
    }
    return new BigDecimal(d.getSeconds())
            .add(BigDecimal.valueOf(d.toNanosPart(), 9))
            .stripTrailingZeros()
            .toPlainString()
        + "s";
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "'" + Names.abbreviate(text) + "' is not a duration (" + why + "); write e.g. 1.5s, 250ms, 1m or 1h");
  }
}
