package io.inboard.core.breaker;

/**
 * A request or a retry that a destination's limit turned away.
 *
 * @param subset {@code null} for the host without a subset
 * @param port the port whose {@code portLevelSettings} gave the limit, else 0
 * @param limit the limit in force, e.g. 2 requests in flight
 * @param first whether it is the first overflow of this kind at this destination (log it then)
 */
public record Overflow(String host, String subset, int port, Kind kind, long limit, boolean first) {

  public Overflow(String host, String subset, Kind kind, long limit, boolean first) {
    this(host, subset, 0, kind, limit, first);
  }

  /**
   * For the log, e.g. {@code connectionPool of user.shop.svc.cluster.local subset v2: a request beyond
   * 2 requests in flight was answered 503 (x-envoy-overloaded)}.
   */
  public String describe() {
    return "connectionPool of " + host + (subset == null ? "" : " subset " + subset)
        + (port == 0 ? "" : " port " + port + " (portLevelSettings)") + ": "
        + (kind == Kind.REQUESTS
            ? "a request beyond " + limit + " requests in flight was answered 503 (x-envoy-overloaded)"
            : "a retry beyond " + limit + " retries in flight was not made (the last answer stands)");
  }

  public enum Kind {
    /** A request beyond the requests in flight ({@code upstream_rq_pending_overflow} in Envoy). */
    REQUESTS("requests"),
    /** A retry beyond {@code maxRetries}, or the retry budget, in flight ({@code upstream_rq_retry_overflow} in Envoy). */
    RETRIES("retries");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The value of the {@code limit} label on the overflow counter. */
    public String label() {
      return label;
    }
  }
}
