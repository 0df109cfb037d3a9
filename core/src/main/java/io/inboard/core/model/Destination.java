package io.inboard.core.model;

/**
 * Where a route or mirror sends traffic: a host as written (short name, or FQDN; resolved by the
 * snapshot against the rule's namespace), an optional subset and an optional port.
 *
 * @param subset the DestinationRule subset name, or {@code null}
 * @param port the {@code port.number}, or 0 when not given
 */
public record Destination(String host, String subset, int port) {}
