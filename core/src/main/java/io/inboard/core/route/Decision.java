package io.inboard.core.route;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.HashKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the router decided for one request, and why. Callers (the agent's outbound hook, the
 * gateway) apply it; {@code inboardctl explain} and the config server print it.
 *
 * @param status 200 routed, 301/302/... redirect, a direct response's code, 404 no route, 503 no
 *     instance; 0 when {@link Outcome#PASSTHROUGH}
 * @param matched the virtual service and rule that matched; {@code null} when none did
 * @param destination the chosen destination; {@code null} unless {@link Outcome#ROUTE} or
 *     {@link Outcome#NO_INSTANCE}
 * @param instance the chosen endpoint; {@code null} unless routed, and {@code null} when routed
 *     under a {@code PASSTHROUGH} balancer (send to the authority as the application gave it)
 * @param hashKey the consistent-hash key used (e.g. {@code header my-header=alice}), or {@code null}
 * @param trace in explain mode, one step per rule evaluated (and host resolution); else empty
 */
public record Decision(
    Outcome outcome,
    int status,
    String reason,
    Match matched,
    Target destination,
    Instance instance,
    String hashKey,
    Actions actions,
    List<String> trace) {

  public Decision {
    actions = actions == null ? Actions.NONE : actions;
    trace = trace == null ? List.of() : List.copyOf(trace);
  }

  public enum Outcome {
    /** Send to {@link #instance()}. */
    ROUTE,
    /** Answer with a redirect to {@link Actions#redirectLocation()}. */
    REDIRECT,
    /** Answer with {@link #status()} and {@link Actions#directResponseBody()}. */
    DIRECT_RESPONSE,
    /** The mesh knows the host but no rule matched: answer 404. */
    NO_ROUTE,
    /** A rule matched but its destination has no instance: answer 503. */
    NO_INSTANCE,
    /** The mesh does not know this host: leave the request exactly as the application made it. */
    PASSTHROUGH
  }

  /** Which rule matched: {@code virtualService} as {@code namespace/name}, rule index and name. */
  public record Match(String virtualService, int rule, String ruleName) {}

  /**
   * The destination: FQDN host, subset (or {@code null}) and port (or 0 when the route gives none).
   *
   * @param policyPort the port whose {@code portLevelSettings} entry the destination's policy came
   *     from, the key of its circuit breaker and outlier-detection state with host and subset; 0 when
   *     no port-level setting applies (the usual case: one state for every port)
   */
  public record Target(String host, String subset, int port, int policyPort) {
    public Target(String host, String subset, int port) {
      this(host, subset, port, 0);
    }
  }

  /** Request/response header operations, applied in order remove, set, add. */
  public record HeaderOps(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public static final HeaderOps NONE = new HeaderOps(Map.of(), Map.of(), List.of());

    public HeaderOps {
      set = set == null ? Map.of() : Map.copyOf(set);
      add = add == null ? Map.of() : Map.copyOf(add);
      remove = remove == null ? List.of() : List.copyOf(remove);
    }

    public boolean isEmpty() {
      return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }
  }

  /** Retries as configured on the matched rule. */
  public record Retries(
      int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff, boolean ignorePreviousHosts,
      boolean remoteLocalities) {
    public Retries(
        int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff, boolean ignorePreviousHosts) {
      this(attempts, perTryTimeout, retryOn, backoff, ignorePreviousHosts, false);
    }

    public Retries(int attempts, Duration perTryTimeout, List<String> retryOn, Duration backoff) {
      this(attempts, perTryTimeout, retryOn, backoff, true);
    }

    public Retries(int attempts, Duration perTryTimeout, List<String> retryOn) {
      this(attempts, perTryTimeout, retryOn, null, true);
    }
  }

  /**
   * A fault to inject, already decided for this request (the percentage was rolled): a delay to
   * wait before sending, and/or a status to answer with instead of sending. Fields are
   * {@code null}/0 when not injected. {@code abortGrpcStatus} is the abort's gRPC status code (Istio's
   * {@code grpcStatus}; then {@code abortStatus} is the HTTP status Envoy maps it to), or -1.
   */
  public record Fault(Duration delay, int abortStatus, int abortGrpcStatus) {
    public Fault(Duration delay, int abortStatus) {
      this(delay, abortStatus, -1);
    }
  }

  /**
   * A copy of the request to send, fire-and-forget, to another destination (already rolled: a rule
   * with several mirrors rolls each on its own); {@code instance} is {@code null} when the
   * destination has none.
   */
  public record Mirror(Target destination, Instance instance) {
    /**
     * The authority the copy carries, as Envoy's shadow writer makes it: {@code -shadow} after the
     * host, before any port ({@code user:8080} becomes {@code user-shadow:8080}), so the mirror's
     * logs tell copies from real traffic.
     */
    public static String shadowAuthority(String authority) {
      int colon = authority.startsWith("[")
          ? authority.indexOf(':', authority.indexOf(']'))
          : authority.indexOf(':');
      return colon < 0 ? authority + "-shadow" : authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }
  }

  /**
   * A cookie to set on the response (consistent hashing on a cookie with a ttl, when absent), with
   * the rule's further {@code attributes}.
   */
  public record SetCookie(String name, String value, String path, Duration ttl, List<HashKey.CookieAttribute> attributes) {
    public SetCookie(String name, String value, String path, Duration ttl) {
      this(name, value, path, ttl, List.of());
    }

    /**
     * The {@code Set-Cookie} value, laid out as Envoy lays out a generated cookie: the name and
     * value, {@code Path}, {@code Max-Age}, the attributes in order, {@code HttpOnly}.
     */
    public String header() {
      StringBuilder out = new StringBuilder(name).append('=').append(value);
      if (path != null && !path.isEmpty()) {
        out.append("; Path=").append(path);
      }
      if (ttl != null) {
        out.append("; Max-Age=").append(ttl.toSeconds());
      }
      for (HashKey.CookieAttribute a : attributes) {
        out.append("; ").append(a.name());
        if (!a.value().isEmpty()) {
          out.append('=').append(a.value());
        }
      }
      return out.append("; HttpOnly").toString();
    }
  }

  /**
   * What the caller applies besides choosing the instance. {@code rewrittenPath} and
   * {@code rewrittenAuthority} are {@code null} when unchanged; {@code rewrittenPath} is the path
   * only, the caller keeps the request's query string. {@code timeout} {@code null} means none;
   * {@code retries} is Istio's default policy when the rule sets none. {@code mirrors} are the
   * copies to send, one per mirror rolled, in the rule's order; empty (the shared {@link List#of()},
   * so a request without copies allocates nothing for them) when none was. {@code cors} is the
   * routed rule's {@code corsPolicy} ({@code null} for none), which only the gateway applies: a
   * service's outbound call does not come from a browser.
   */
  public record Actions(
      String rewrittenPath,
      String rewrittenAuthority,
      HeaderOps requestHeaders,
      HeaderOps responseHeaders,
      Duration timeout,
      Retries retries,
      Fault fault,
      List<Mirror> mirrors,
      String redirectLocation,
      String directResponseBody,
      SetCookie setCookie,
      Cors cors) {
    public static final Actions NONE =
        new Actions(null, null, HeaderOps.NONE, HeaderOps.NONE, null, null, null, null, null, null, null);

    public Actions {
      requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
      responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
      mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    }

    /** Actions without a CORS policy. */
    public Actions(String rewrittenPath, String rewrittenAuthority, HeaderOps requestHeaders,
        HeaderOps responseHeaders, Duration timeout, Retries retries, Fault fault, List<Mirror> mirrors,
        String redirectLocation, String directResponseBody, SetCookie setCookie) {
      this(rewrittenPath, rewrittenAuthority, requestHeaders, responseHeaders, timeout, retries, fault,
          mirrors, redirectLocation, directResponseBody, setCookie, null);
    }
  }

  /** This decision sent to {@code other} instead (a retry's instance); itself when the same. */
  public Decision withInstance(Instance other) {
    return other == instance ? this : new Decision(outcome, status, reason, matched, destination, other, hashKey,
        actions, trace);
  }

  public boolean isPassthrough() {
    return outcome == Outcome.PASSTHROUGH;
  }
}
