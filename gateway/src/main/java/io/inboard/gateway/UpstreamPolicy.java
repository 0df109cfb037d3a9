package io.inboard.gateway;

import io.inboard.core.model.ConnectionPoolSettings;
import java.time.Duration;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.ConnectionPool;

/**
 * What a DestinationRule's {@code connectionPool} sets for the gateway's own connections to a
 * destination's instances: the connect timeout ({@code tcp.connectTimeout}), how many requests a
 * connection carries ({@code http.maxRequestsPerConnection}) and how long it lives
 * ({@code tcp.maxConnectionDuration}). Jetty's client has one setting of each for all its
 * destinations, so a request carries its own as its tag: the tag is part of Jetty's destination
 * key, and such requests get connections of their own, opened ({@link PolicyConnector}) and pooled
 * ({@link #pools}) by it.
 *
 * @param connectTimeout {@code null} for the client's own
 * @param maxRequestsPerConnection 0 for no limit
 * @param maxConnectionDuration {@code null} for none
 */
record UpstreamPolicy(Duration connectTimeout, int maxRequestsPerConnection, Duration maxConnectionDuration) {
  /** The policy {@code settings} give the gateway's connections, or {@code null} when they give none. */
  static UpstreamPolicy of(ConnectionPoolSettings settings) {
    if (settings == null || !settings.shapesConnections()) {
      return null;
    }
    return new UpstreamPolicy(settings.connectTimeout(), (int) settings.maxRequestsPerConnection(),
        settings.maxConnectionDuration());
  }

  /** {@code defaults}, with the policy of a destination's requests applied to its pool. */
  static ConnectionPool.Factory pools(ConnectionPool.Factory defaults) {
    return destination -> {
      ConnectionPool pool = defaults.newConnectionPool(destination);
      if (destination.getOrigin().getTag() instanceof UpstreamPolicy policy
          && pool instanceof AbstractConnectionPool limited) {
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
