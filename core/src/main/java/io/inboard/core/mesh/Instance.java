package io.inboard.core.mesh;

import java.util.Map;

/**
 * One running endpoint of a service: what the config server leases and the router picks.
 *
 * @param service short service name, e.g. {@code user}; its FQDN is
 *     {@code service.namespace.svc.cluster.local}
 */
public record Instance(
    String id, String service, String namespace, String address, int port, Map<String, String> labels) {
  public Instance {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public String fqdn() {
    return service + "." + namespace + ".svc.cluster.local";
  }
}
