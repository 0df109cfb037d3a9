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
 * ({@code http.idleTimeout}). Jetty's client has one setting of each for all its destinations, so a
 * request carries its own as its tag: the tag is part of Jetty's destination key, and such requests get
 * connections of their own, opened ({@link PolicyConnector}) and pooled ({@link #pools}) by it.
 *
 * @param connectTimeout {@code null} for the client's own
 * @param maxRequestsPerConnection 0 for no limit
 * @param maxConnectionDuration {@code null} for none
 * @param idleTimeout {@code null} for the client's own
 * @param keepalive {@code null} for none
 */
record UpstreamPolicy(Duration connectTimeout, int maxRequestsPerConnection, Duration maxConnectionDuration,
    Duration idleTimeout, TcpKeepalive keepalive) {
  /** The policy {@code settings} give the gateway's connections, or {@code null} when they give none. */
  static UpstreamPolicy of(ConnectionPoolSettings settings) {
    if (settings == null || !settings.shapesConnections()) {
      return null;
    }
    return new UpstreamPolicy(settings.connectTimeout(), (int) settings.maxRequestsPerConnection(),
        settings.maxConnectionDuration(), settings.idleTimeout(), settings.tcpKeepalive());
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
