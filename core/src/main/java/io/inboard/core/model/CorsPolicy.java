package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/**
 * Istio's {@code CorsPolicy} on an {@code http} rule, as read: which browser origins may call the
 * rule's destination, and what a preflight is answered with. The deprecated {@code allowOrigin}
 * strings are read as exact matches, as Istio translates them.
 *
 * @param allowOrigins exact, prefix or regex matches of the {@code Origin} header; empty allows none
 * @param allowMethods methods for {@code Access-Control-Allow-Methods}, in order
 * @param allowHeaders headers for {@code Access-Control-Allow-Headers}, in order
 * @param exposeHeaders headers for {@code Access-Control-Expose-Headers}, in order
 * @param maxAge how long a browser may cache a preflight answer (whole seconds), or {@code null}
 * @param allowCredentials {@code null} when not given (which, as in Envoy, means false)
 * @param unmatchedPreflights what to do with a preflight whose origin is not allowed
 */
public record CorsPolicy(
    List<StringMatch> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    Duration maxAge,
    Boolean allowCredentials,
    UnmatchedPreflights unmatchedPreflights) {

  /** Istio's {@code CorsPolicy.UnmatchedPreflights}. */
  public enum UnmatchedPreflights {
    /** Not given: as {@link #FORWARD}. */
    UNSPECIFIED,
    /** Send the preflight on to the destination, which answers it. */
    FORWARD,
    /** Answer it at once, without {@code Access-Control-Allow-Origin}. */
    IGNORE
  }

  public CorsPolicy {
    allowOrigins = allowOrigins == null ? List.of() : List.copyOf(allowOrigins);
    allowMethods = allowMethods == null ? List.of() : List.copyOf(allowMethods);
    allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
    exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
    unmatchedPreflights = unmatchedPreflights == null ? UnmatchedPreflights.UNSPECIFIED : unmatchedPreflights;
  }
}
