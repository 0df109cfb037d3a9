package io.inboard.agent.instrument.outbound;

import io.inboard.core.route.Decision;
import java.time.Duration;

/** What to do with one outbound call, as the client instrumentations apply it. */
sealed interface CallPlan {
  /** Leave the call exactly as the application made it. */
  CallPlan UNTOUCHED = new Untouched();

  record Untouched() implements CallPlan {}

  /**
   * Send to {@code address:port} with {@code Host: hostHeader}; {@code path} replaces the request
   * path when not {@code null}; {@code delay} (or {@code null}) is an injected fault's delay.
   */
  record Routed(
      Decision decision,
      String address,
      int port,
      String hostHeader,
      String path,
      Decision.HeaderOps headers,
      Duration timeout,
      Duration delay)
      implements CallPlan {}

  /**
   * Answer without a network call: {@code status} with {@code reason}; {@code location} and
   * {@code body} for redirects and direct responses, else {@code null}; {@code delay} (or
   * {@code null}) an injected fault's delay, waited before an injected abort is given, as Envoy's
   * fault filter delays first and aborts after.
   */
  record Answered(
      Decision decision, int status, String reason, String message, String location, String body, Duration delay)
      implements CallPlan {}
}
