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
 * @param retryRemoteLocalities whether retries leave the priorities (localities) already tried
 *     (Envoy's {@code previous_priorities}; Istio's default, {@code false}, keeps the same shares)
 */
public record HTTPRetry(
    int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff, boolean retryIgnorePreviousHosts,
    boolean retryRemoteLocalities) {
  public HTTPRetry {
    retryOn = retryOn == null ? List.of() : List.copyOf(retryOn);
  }

  public HTTPRetry(
      int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff, boolean retryIgnorePreviousHosts) {
    this(attempts, perTryTimeout, retryOn, backoff, retryIgnorePreviousHosts, false);
  }

  public HTTPRetry(int attempts, Duration perTryTimeout, List<String> retryOn) {
    this(attempts, perTryTimeout, retryOn, null, true);
  }
}
