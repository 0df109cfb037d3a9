package io.inboard.gateway;

import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.TcpKeepalive;
import java.time.Duration;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.ConnectionPool;

/**
 * What a DestinationRule's {@code connectionPool} sets for the gateway's own connections to a
 * destination's instances: the connect timeout ({@code tcp.connectTimeout}), TCP keepalive
 * ({@code tcp.tcpKeepalive}), how many requests a connection carries ({@code http.maxRequestsPerConnection}),
 * how long it lives ({@code tcp.maxConnectionDuration}) and how long it is kept without a request
 * ({@code http.idleTimeout}); and from its {@code tls}, the TLS they are opened with. Jetty's client has one setting of each for all its destinations, so a
 * request carries its own as its tag: the tag is part of Jetty's destination key, and such requests get
 * connections of their own, opened ({@link PolicyConnector}) and pooled ({@link #pools}) by it.
 *
 * @param connectTimeout {@code null} for the client's own
 * @param maxRequestsPerConnection 0 for no limit
 * @param maxConnectionDuration {@code null} for none
 * @param idleTimeout {@code null} for the client's own
 * @param keepalive {@code null} for none
 * @param tls the TLS opened to the instances ({@code tls}), or {@code null} for plain HTTP
 * @param serverName the name the TLS handshake sends (SNI), or {@code null} for none; connections with
 *     different names are pooled apart
 */
record UpstreamPolicy(Duration connectTimeout, int maxRequestsPerConnection, Duration maxConnectionDuration,
    Duration idleTimeout, TcpKeepalive keepalive, UpstreamTls tls, String serverName) {
  /** The policy {@code settings} give the gateway's connections, or {@code null} when they give none. */
  static UpstreamPolicy of(ConnectionPoolSettings settings) {
    if (settings == null || !settings.shapesConnections()) {
      return null;
    }
    return new UpstreamPolicy(settings.connectTimeout(), (int) settings.maxRequestsPerConnection(),
        settings.maxConnectionDuration(), settings.idleTimeout(), settings.tcpKeepalive(), null, null);
  }

  /** {@code shaped} (or no shaping: {@code null}) with connections opened over {@code tls}, sending {@code serverName}. */
  static UpstreamPolicy originating(UpstreamPolicy shaped, UpstreamTls tls, String serverName) {
    return shaped == null ? new UpstreamPolicy(null, 0, null, null, null, tls, serverName)
        : new UpstreamPolicy(shaped.connectTimeout, shaped.maxRequestsPerConnection, shaped.maxConnectionDuration,
            shaped.idleTimeout, shaped.keepalive, tls, serverName);
  }

  /** {@code defaults}, with the policy of a destination's requests applied to its pool. */
  static ConnectionPool.Factory pools(ConnectionPool.Factory defaults) {
    return destination -> {
      if (!(destination.getOrigin().getTag() instanceof UpstreamPolicy policy)) {
        return defaults.newConnectionPool(destination);
      }
      ConnectionPool pool = policy.idleTimeout != null
          ? new IdleTimeoutPool(destination, policy.idleTimeout)
          : defaults.newConnectionPool(destination);
      if (pool instanceof AbstractConnectionPool limited) {
        if (policy.maxRequestsPerConnection > 0) {
          limited.setMaxUsage(policy.maxRequestsPerConnection);
        }
        if (policy.maxConnectionDuration != null) {
          limited.setMaxDuration(policy.maxConnectionDuration.toMillis());
        }
      }
      return pool;
    };
  }
}
