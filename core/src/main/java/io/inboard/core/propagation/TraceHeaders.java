package io.inboard.core.propagation;

import java.util.Set;

/**
 * The tracing headers Inboard always propagates, whatever the rules say: Envoy's request id, W3C
 * Trace Context and Baggage, and Zipkin B3 (single and multi header). Lower case.
 */
public final class TraceHeaders {
  /** {@code x-request-id}: the request id Envoy generates at the edge and Istio users log. */
  public static final String REQUEST_ID = "x-request-id";

  public static final Set<String> NAMES =
      Set.of(
          REQUEST_ID,
          "traceparent",
          "tracestate",
          "baggage",
          "b3",
          "x-b3-traceid",
          "x-b3-spanid",
          "x-b3-parentspanid",
          "x-b3-sampled",
          "x-b3-flags");

  private TraceHeaders() {}
}
