package io.inboard.core.health;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.OutlierDetection;
import java.util.List;

/**
 * A destination of a snapshot whose DestinationRule sets {@code outlierDetection}: the host, the
 * subset ({@code null} for all the host's instances), the port when a {@code portLevelSettings}
 * entry gives traffic to it its own policy (else 0), the policy in force for it (a subset's own, or
 * the rule's top-level one, or a port-level one) and its instances.
 */
public record TrackedDestination(
    String host, String subset, int port, OutlierDetection policy, List<Instance> instances) {
  public TrackedDestination {
    instances = List.copyOf(instances);
  }

  public TrackedDestination(String host, String subset, OutlierDetection policy, List<Instance> instances) {
    this(host, subset, 0, policy, instances);
  }
}
