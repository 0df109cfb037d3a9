package io.inboard.core.route;

import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import java.util.List;

/**
 * A rule's {@code corsPolicy} compiled once per snapshot, as Envoy's CORS filter holds it: the
 * origin matchers and the header values, already joined. Whoever answers browsers (the gateway)
 * asks it whether an {@code Origin} is allowed and writes the headers; immutable, thread-safe.
 */
public final class Cors {
  private final ValueMatcher[] origins;
  private final List<StringMatch> allowOrigins;
  private final boolean anyOrigin;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;
  private final boolean allowCredentials;
  private final boolean forwardUnmatchedPreflights;

  private Cors(CorsPolicy policy) {
    List<StringMatch> matches = policy.allowOrigins();
    this.origins = new ValueMatcher[matches.size()];
    boolean any = false;
    for (int i = 0; i < origins.length; i++) {
      origins[i] = ValueMatcher.of(matches.get(i), false);
      // As Envoy: a matcher that accepts the literal "*" (exact "*", regex ".*") accepts any origin.
      any |= origins[i].matches("*");
    }
    this.allowOrigins = matches;
    this.anyOrigin = any;
    this.allowMethods = joined(policy.allowMethods());
    this.allowHeaders = joined(policy.allowHeaders());
    this.exposeHeaders = joined(policy.exposeHeaders());
    this.maxAge = policy.maxAge() == null ? null : Long.toString(policy.maxAge().getSeconds());
    this.allowCredentials = Boolean.TRUE.equals(policy.allowCredentials());
    this.forwardUnmatchedPreflights = policy.unmatchedPreflights() != CorsPolicy.UnmatchedPreflights.IGNORE;
  }

  /** The compiled policy, or {@code null} for none. */
  public static Cors of(CorsPolicy policy) {
    return policy == null ? null : new Cors(policy);
  }

  private static String joined(List<String> values) {
    return values.isEmpty() ? null : String.join(",", values);
  }

  /** Whether a request with this {@code Origin} header gets CORS headers; never for none or "". */
  public boolean allowsOrigin(String origin) {
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    if (anyOrigin) {
      return true;
    }
    for (ValueMatcher m : origins) {
      if (m.matches(origin)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a request is a CORS preflight as Envoy tells one: {@code OPTIONS} with a non-empty
   * {@code Origin} and {@code Access-Control-Request-Method}.
   */
  public static boolean isPreflight(String method, String origin, String requestMethod) {
    return "OPTIONS".equals(method) && origin != null && !origin.isEmpty()
        && requestMethod != null && !requestMethod.isEmpty();
  }

  /** The origins allowed, as the policy lists them. */
  public List<StringMatch> allowOrigins() {
    return allowOrigins;
  }

  /** {@code Access-Control-Allow-Methods}, or {@code null}. */
  public String allowMethods() {
    return allowMethods;
  }

  /** {@code Access-Control-Allow-Headers}, or {@code null}. */
  public String allowHeaders() {
    return allowHeaders;
  }

  /** {@code Access-Control-Expose-Headers}, or {@code null}. */
  public String exposeHeaders() {
    return exposeHeaders;
  }

  /** {@code Access-Control-Max-Age} in seconds, or {@code null}. */
  public String maxAge() {
    return maxAge;
  }

  public boolean allowCredentials() {
    return allowCredentials;
  }

  /** Whether a preflight from an origin not allowed goes on to the destination (FORWARD). */
  public boolean forwardsUnmatchedPreflights() {
    return forwardUnmatchedPreflights;
  }
}
