package io.inboard.core.model;

import java.util.List;

/**
 * One {@code servers[]} entry of a Gateway: a port and the hosts it accepts, each
 * {@code [namespace/]dnsName} where the DNS name may start with {@code *}.
 */
public record Server(GatewayPort port, List<String> hosts, String name) {
  public Server {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }
}
