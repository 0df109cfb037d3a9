package io.inboard.core.lb;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.Warmup;
import java.util.List;

/**
 * A destination of a snapshot whose balancer has a {@code warmup} (Envoy's slow start): the host,
 * the subset ({@code null} for all the host's instances), the port when a {@code portLevelSettings}
 * entry gives traffic to it its own policy (else 0), the warm-up in force and its instances.
 */
public record WarmingDestination(String host, String subset, int port, Warmup warmup, List<Instance> instances) {
  public WarmingDestination {
    instances = List.copyOf(instances);
  }
}
