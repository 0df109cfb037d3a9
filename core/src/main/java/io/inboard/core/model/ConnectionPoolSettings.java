package io.inboard.core.model;

import java.time.Duration;

/**
 * Istio's {@code connectionPool}, read as Envoy's cluster circuit breakers: the limits one caller
 * (an agent, a gateway) keeps for each destination (host, or host and subset). A limit not given
 * is {@link #UNLIMITED}, Istio's default for every threshold; {@code connectTimeout} {@code null}
 * means the client's own.
 *
 * <p>Inboard runs in the caller's process and never holds a request back, so the limits bound the
 * requests in flight: see {@link #maxRequests()}.
 *
 * @param maxConnections {@code tcp.maxConnections}
 * @param connectTimeout {@code tcp.connectTimeout}, or {@code null}
 * @param http1MaxPendingRequests {@code http.http1MaxPendingRequests}
 * @param http2MaxRequests {@code http.http2MaxRequests}
 * @param maxRetries {@code http.maxRetries}: retries in flight at once
 * @param maxRequestsPerConnection {@code http.maxRequestsPerConnection}, 0 for no limit (Istio's
 *     default); applied by the gateway to its own connections
 * @param maxConnectionDuration {@code tcp.maxConnectionDuration}, or {@code null} for none; applied
 *     by the gateway to its own connections
 * @param retryBudget the traffic policy's {@code retryBudget}, in place of {@code maxRetries}, or
 *     {@code null}
 * @param idleTimeout {@code http.idleTimeout}: how long a connection without a request is kept, or
 *     {@code null} for the caller's own; applied by the gateway to its own connections
 * @param tcpKeepalive {@code tcp.tcpKeepalive}, or {@code null} for none; applied by the gateway to its
 *     own connections
 * @param h2UpgradePolicy {@code http.h2UpgradePolicy}; applied by the gateway (HTTP/2 to the instances)
 * @param useClientProtocol {@code http.useClientProtocol}; applied by the gateway (the client's HTTP
 *     version to the instances)
 */
public record ConnectionPoolSettings(
    long maxConnections,
    Duration connectTimeout,
    long http1MaxPendingRequests,
    long http2MaxRequests,
    long maxRetries,
    long maxRequestsPerConnection,
    Duration maxConnectionDuration,
    RetryBudget retryBudget,
    Duration idleTimeout,
    TcpKeepalive tcpKeepalive,
    H2UpgradePolicy h2UpgradePolicy,
    boolean useClientProtocol) {

  /** Istio's {@code ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy}. */
  public enum H2UpgradePolicy {
    /** The mesh's default, which is Istio's {@code DO_NOT_UPGRADE} unless the mesh config says otherwise. */
    DEFAULT,
    DO_NOT_UPGRADE,
    /** HTTP/1.1 requests go to the instances over HTTP/2. */
    UPGRADE
  }

  public ConnectionPoolSettings {
    h2UpgradePolicy = h2UpgradePolicy == null ? H2UpgradePolicy.DEFAULT : h2UpgradePolicy;
  }

  /** The limits and connection settings, with the upstream protocol left to the defaults. */
  public ConnectionPoolSettings(long maxConnections, Duration connectTimeout, long http1MaxPendingRequests,
      long http2MaxRequests, long maxRetries, long maxRequestsPerConnection, Duration maxConnectionDuration,
      RetryBudget retryBudget, Duration idleTimeout, TcpKeepalive tcpKeepalive) {
    this(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests, maxRetries,
        maxRequestsPerConnection, maxConnectionDuration, retryBudget, idleTimeout, tcpKeepalive,
        H2UpgradePolicy.DEFAULT, false);
  }

  /** The limits without a retry budget. */
  public ConnectionPoolSettings(long maxConnections, Duration connectTimeout, long http1MaxPendingRequests,
      long http2MaxRequests, long maxRetries, long maxRequestsPerConnection, Duration maxConnectionDuration,
      Duration idleTimeout, TcpKeepalive tcpKeepalive) {
    this(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests, maxRetries,
        maxRequestsPerConnection, maxConnectionDuration, null, idleTimeout, tcpKeepalive);
  }

  /** The limits without a retry budget, an idle timeout or keepalive. */
  public ConnectionPoolSettings(long maxConnections, Duration connectTimeout, long http1MaxPendingRequests,
      long http2MaxRequests, long maxRetries, long maxRequestsPerConnection, Duration maxConnectionDuration) {
    this(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests, maxRetries,
        maxRequestsPerConnection, maxConnectionDuration, null, null, null);
  }

  /** The limits without those that shape only the gateway's connections, or a retry budget. */
  public ConnectionPoolSettings(long maxConnections, Duration connectTimeout, long http1MaxPendingRequests,
      long http2MaxRequests, long maxRetries) {
    this(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests, maxRetries, 0, null, null,
        null, null);
  }

  /** These limits with {@code budget} limiting the retries in flight. */
  public ConnectionPoolSettings withRetryBudget(RetryBudget budget) {
    return new ConnectionPoolSettings(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests,
        maxRetries, maxRequestsPerConnection, maxConnectionDuration, budget, idleTimeout, tcpKeepalive,
        h2UpgradePolicy, useClientProtocol);
  }

  /** These settings with the protocol the gateway speaks to the instances ({@code h2UpgradePolicy}, {@code useClientProtocol}). */
  public ConnectionPoolSettings withUpstreamProtocol(H2UpgradePolicy policy, boolean clientProtocol) {
    return new ConnectionPoolSettings(maxConnections, connectTimeout, http1MaxPendingRequests, http2MaxRequests,
        maxRetries, maxRequestsPerConnection, maxConnectionDuration, retryBudget, idleTimeout, tcpKeepalive,
        policy, clientProtocol);
  }

  /** The retries allowed in flight while {@code requestsInFlight} requests are: the budget's, else {@code maxRetries}. */
  public long maxRetries(long requestsInFlight) {
    return retryBudget == null ? maxRetries : retryBudget.allowedRetries(requestsInFlight);
  }

  /** 2^32-1: what Istio sets each Envoy threshold to when the rule does not give it. */
  public static final long UNLIMITED = 4_294_967_295L;

  /** A block that sets nothing Inboard applies (it still replaces the top-level block in a subset). */
  public static final ConnectionPoolSettings NONE =
      new ConnectionPoolSettings(UNLIMITED, null, UNLIMITED, UNLIMITED, UNLIMITED);

  /**
   * The most requests in flight to the destination at once. An HTTP/1.1 request in Envoy either
   * holds one of {@code maxConnections} connections or waits as one of
   * {@code http1MaxPendingRequests} pending requests, and all of them count against
   * {@code http2MaxRequests} ({@code max_requests}); so at most
   * {@code min(http2MaxRequests, maxConnections + http1MaxPendingRequests)} are outstanding, and the
   * next one overflows. Inboard answers that one at once instead of queueing any.
   */
  public long maxRequests() {
    return Math.min(http2MaxRequests, Math.min(UNLIMITED, maxConnections + http1MaxPendingRequests));
  }

  public boolean limitsRequests() {
    return maxRequests() < UNLIMITED;
  }

  public boolean limitsRetries() {
    return maxRetries < UNLIMITED || retryBudget != null;
  }

  /** Whether anything here changes how a request is sent: a caller tracks the destination only then. */
  public boolean appliesAnything() {
    return limitsRequests() || limitsRetries() || shapesConnections() || choosesProtocol();
  }

  /** Whether {@code h2UpgradePolicy} or {@code useClientProtocol} is set: what the gateway speaks to the instances. */
  public boolean choosesProtocol() {
    return h2UpgradePolicy != H2UpgradePolicy.DEFAULT || useClientProtocol;
  }

  /**
   * Whether a connect timeout, a connection's lifetime, an idle timeout or keepalive is set: what the
   * connections are opened and kept with.
   */
  public boolean shapesConnections() {
    return connectTimeout != null || maxRequestsPerConnection > 0 || maxConnectionDuration != null
        || idleTimeout != null || tcpKeepalive != null;
  }
}
