package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/**
 * Istio's {@code HTTPRetry}.
 *
 * @param perTryTimeout {@code null} when not given
 * @param retryOn the comma-separated {@code retryOn} split into its conditions, e.g. {@code 5xx},
 *     {@code connect-failure}, {@code 503}; empty when not given
 */
public record HTTPRetry(int attempts, Duration perTryTimeout, List<String> retryOn) {
  public HTTPRetry {
    retryOn = retryOn == null ? List.of() : List.copyOf(retryOn);
  }
}
