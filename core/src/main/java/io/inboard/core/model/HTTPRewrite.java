package io.inboard.core.model;

/**
 * Istio's {@code HTTPRewrite}: replace the matched uri prefix (or the whole uri for an exact match)
 * and/or the authority before forwarding. Each part is {@code null} when not rewritten.
 */
public record HTTPRewrite(String uri, String authority) {}
