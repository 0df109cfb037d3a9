package io.inboard.core.model;

import java.time.Duration;

/** Istio's {@code HTTPFaultInjection}: a delay and/or an abort, each {@code null} when absent. */
public record HTTPFaultInjection(Delay delay, Abort abort) {

  /**
   * Wait {@code fixedDelay} before forwarding, for {@code percentage} of requests. As in Istio, a
   * {@code null} percentage means no request is affected.
   */
  public record Delay(Duration fixedDelay, Percent percentage) {}

  /**
   * Answer {@code httpStatus} instead of forwarding, for {@code percentage} of requests ({@code
   * null}: none).
   */
  public record Abort(int httpStatus, Percent percentage) {}
}
