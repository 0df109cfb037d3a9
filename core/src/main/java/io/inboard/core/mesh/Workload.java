package io.inboard.core.mesh;

import java.util.Map;

/**
 * The calling workload of a request inside the mesh: what {@code sourceLabels} and
 * {@code sourceNamespace} are matched against, and the namespace short hostnames resolve from.
 */
public record Workload(String namespace, String service, Map<String, String> labels) {
  public Workload {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
