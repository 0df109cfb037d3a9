package io.inboard.core.route;

import java.util.List;

/**
 * Which of a port's Gateway servers a host name reaches, as Envoy picks a filter chain by
 * {@code server_names} for a TLS client's SNI, and as a gateway finds the server whose
 * {@code tls.httpsRedirect} applies to a {@code Host}: the server listing the exact name, else the
 * one with the longest matching wildcard ({@code *.eu.example.com} before {@code *.example.com}),
 * else one with {@code *}; among equals, the first server.
 */
public final class ServerNames {
  private ServerNames() {}

  /**
   * The server {@code name} reaches among {@code servers} (in Istio's order), or {@code null};
   * {@code name} {@code null} or empty (a client sending no SNI) reaches a server with {@code *} only.
   */
  public static GatewayPortRoutes.GatewayServer best(List<GatewayPortRoutes.GatewayServer> servers, String name) {
    // The gateway's own index of server names: explain picks exactly as a TLS connection is routed.
    HostPatterns<GatewayPortRoutes.GatewayServer> byName = new HostPatterns<>();
    for (GatewayPortRoutes.GatewayServer server : servers) {
      byName.add(server.hosts(), server);
    }
    return byName.find(name == null ? null : Authority.host(name));
  }

  /** {@code name} as a server name is compared: lower-case, without a port or a final dot. */
  public static String hostName(String name) {
    return Authority.host(name);
  }
}
