package io.inboard.core.model;

import java.util.List;

/**
 * The {@code spec} of a VirtualService.
 *
 * @param hosts the hosts as written (short names resolve against the resource's namespace)
 * @param gateways gateway names as written ({@code ns/name}, short name, or {@code mesh}); empty
 *     means {@code mesh} only, as in Istio
 * @param http the rules, in order
 * @param exportTo the namespaces it is visible to, as written ({@code .}, {@code *} or names);
 *     empty means every namespace, Istio's default ({@link ExportTo})
 */
public record VirtualServiceSpec(
    List<String> hosts, List<String> gateways, List<HTTPRoute> http, List<String> exportTo) {
  public VirtualServiceSpec {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
    http = http == null ? List.of() : List.copyOf(http);
    exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
  }

  /** Exported to every namespace. */
  public VirtualServiceSpec(List<String> hosts, List<String> gateways, List<HTTPRoute> http) {
    this(hosts, gateways, http, List.of());
  }
}
