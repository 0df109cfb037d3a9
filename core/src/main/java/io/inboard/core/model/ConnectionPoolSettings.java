package io.inboard.core.model;

/**
 * Istio's {@code connectionPool}. Inboard does not apply connection-pool limits yet: the parser
 * warns about each setting and keeps only the fact that the block was given, which matters for
 * the subset-level override (a subset's block replaces the top-level one as a whole).
 */
public record ConnectionPoolSettings() {}
