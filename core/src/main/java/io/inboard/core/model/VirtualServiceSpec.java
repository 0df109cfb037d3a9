package io.inboard.core.model;

import java.util.List;

/**
 * The {@code spec} of a VirtualService.
 *
 * @param hosts the hosts as written (short names resolve against the resource's namespace)
 * @param gateways gateway names as written ({@code ns/name}, short name, or {@code mesh}); empty
 *     means {@code mesh} only, as in Istio
 * @param http the rules, in order
 */
public record VirtualServiceSpec(List<String> hosts, List<String> gateways, List<HTTPRoute> http) {
  public VirtualServiceSpec {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
    http = http == null ? List.of() : List.copyOf(http);
  }
}
