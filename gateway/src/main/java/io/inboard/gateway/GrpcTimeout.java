package io.inboard.gateway;

import java.time.Duration;

/**
 * gRPC's {@code grpc-timeout} request header (PROTOCOL-HTTP2.md: at most 8 digits and a unit, {@code H},
 * {@code M}, {@code S}, {@code m}, {@code u} or {@code n}), which the gateway takes as the call's route
 * timeout, capped by the rule's {@code timeout}, as Istio configures Envoy
 * ({@code grpc_timeout_header_max} set to the route's timeout).
 */
final class GrpcTimeout {
  static final String HEADER = "grpc-timeout";

  private GrpcTimeout() {}

  /** The timeout the header gives, or {@code null} when it is absent or not in gRPC's form (then ignored, as Envoy does). */
  static Duration parse(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return null;
    }
    String digits = value.substring(0, value.length() - 1);
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    long n = Long.parseLong(digits);
    return switch (value.charAt(value.length() - 1)) {
      case 'H' -> Duration.ofHours(n);
      case 'M' -> Duration.ofMinutes(n);
      case 'S' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMillis(n);
      case 'u' -> Duration.ofNanos(n * 1000);
      case 'n' -> Duration.ofNanos(n);
      default -> null;
    };
  }
}
