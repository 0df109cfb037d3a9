package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/**
 * Istio's {@code HTTPRetry}.
 *
 * @param perTryTimeout {@code null} when not given
 * @param retryOn the comma-separated {@code retryOn} split into its conditions, e.g. {@code 5xx},
 *     {@code connect-failure}, {@code 503}; empty when not given
 * @param backoff the back-off's base interval; {@code null} when not given (Envoy's 25 ms)
 * @param retryIgnorePreviousHosts whether a retry avoids the instances already tried (Istio's
 *     default, {@code true})
 */
public record HTTPRetry(
    int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff, boolean retryIgnorePreviousHosts) {
  public HTTPRetry {
    retryOn = retryOn == null ? List.of() : List.copyOf(retryOn);
  }

  public HTTPRetry(int attempts, Duration perTryTimeout, List<String> retryOn) {
    this(attempts, perTryTimeout, retryOn, null, true);
  }
}
