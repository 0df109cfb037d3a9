package io.inboard.core.breaker;

import io.inboard.core.model.ConnectionPoolSettings;

/**
 * A destination of a snapshot whose DestinationRule sets a {@code connectionPool} that applies:
 * the host, the subset ({@code null} for all the host's instances) and the settings in force for it
 * (a subset's own block, or the rule's top-level one).
 */
public record LimitedDestination(String host, String subset, ConnectionPoolSettings settings) {}
