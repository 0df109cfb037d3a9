package io.inboard.core.breaker;

import io.inboard.core.model.ConnectionPoolSettings;

/**
 * A destination of a snapshot whose DestinationRule sets a {@code connectionPool} that applies:
 * the host, the subset ({@code null} for all the host's instances), the port when a
 * {@code portLevelSettings} entry gives traffic to it its own policy (else 0) and the settings in
 * force for it (a subset's own block, the rule's top-level one, or a port-level one).
 */
public record LimitedDestination(String host, String subset, int port, ConnectionPoolSettings settings) {
  public LimitedDestination(String host, String subset, ConnectionPoolSettings settings) {
    this(host, subset, 0, settings);
  }
}
