package io.inboard.core.model;

import java.util.List;

/**
 * One {@code servers[]} entry of a Gateway: a port and the hosts it accepts, each
 * {@code [namespace/]dnsName} where the DNS name may start with {@code *}, and its TLS settings
 * ({@code null} when it has none).
 */
public record Server(GatewayPort port, List<String> hosts, String name, ServerTLSSettings tls) {
  public Server {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /** A server without TLS settings. */
  public Server(GatewayPort port, List<String> hosts, String name) {
    this(port, hosts, name, null);
  }
}
