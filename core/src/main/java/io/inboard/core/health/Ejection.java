package io.inboard.core.health;

import io.inboard.core.mesh.Instance;
import java.time.Duration;

/**
 * One instance taken out of a destination's load balancing by outlier detection, as reported to the
 * agent's or gateway's log and metrics.
 *
 * @param subset {@code null} for the host's instances as a whole
 * @param port the port whose {@code portLevelSettings} gave the detection, else 0
 * @param cause {@link #CONSECUTIVE_5XX}, {@link #CONSECUTIVE_GATEWAY_ERRORS} or
 *     {@link #CONSECUTIVE_LOCAL_ORIGIN_FAILURES}
 * @param ejectedNow how many instances of the destination are ejected, this one included
 * @param instances how many instances the destination has
 */
public record Ejection(
    String host, String subset, int port, Instance instance, Duration duration, String cause, int ejectedNow,
    int instances) {
  public static final String CONSECUTIVE_5XX = "consecutive_5xx";
  public static final String CONSECUTIVE_GATEWAY_ERRORS = "consecutive_gateway_errors";
  public static final String CONSECUTIVE_LOCAL_ORIGIN_FAILURES = "consecutive_local_origin_failures";

  public Ejection(
      String host, String subset, Instance instance, Duration duration, String cause, int ejectedNow, int instances) {
    this(host, subset, 0, instance, duration, cause, ejectedNow, instances);
  }

  /** One line for a log: what was ejected, why, for how long, and how much of the destination is out. */
  public String describe() {
    return "outlier detection ejected instance " + instance.id() + " (" + instance.address() + ":" + instance.port()
        + ") of " + host + (subset == null ? "" : " subset " + subset)
        + (port == 0 ? "" : " port " + port + " (portLevelSettings)") + " for " + duration.toMillis() + " ms after "
        + switch (cause) {
          case CONSECUTIVE_5XX -> "consecutive 5xx errors";
          case CONSECUTIVE_LOCAL_ORIGIN_FAILURES -> "consecutive tries without an answer";
          default -> "consecutive gateway errors";
        }
        + "; " + ejectedNow + " of " + instances + " instance(s) ejected";
  }
}
