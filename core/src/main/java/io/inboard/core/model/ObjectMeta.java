package io.inboard.core.model;

import java.util.Map;

/**
 * The part of {@code metadata} that Inboard uses. {@code resourceVersion} is opaque to clients and
 * {@code null} when the user did not give one; {@code namespace} defaults to {@code default}.
 */
public record ObjectMeta(
    String name,
    String namespace,
    String resourceVersion,
    Map<String, String> labels,
    Map<String, String> annotations) {
  public ObjectMeta {
    namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
