package io.inboard.core.route;

import java.util.List;
import java.util.Locale;

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
    String host = name == null ? "" : Authority.host(name);
    GatewayPortRoutes.GatewayServer best = null;
    int bestRank = -1;
    for (GatewayPortRoutes.GatewayServer server : servers) {
      for (String pattern : server.hosts()) {
        int rank = rank(pattern.substring(pattern.indexOf('/') + 1).toLowerCase(Locale.ROOT), host);
        if (rank > bestRank) {
          best = server;
          bestRank = rank;
        }
      }
    }
    return best;
  }

  /** {@code name} as a server name is compared: lower-case, without a port or a final dot. */
  public static String hostName(String name) {
    return Authority.host(name);
  }

  /** How well {@code pattern} matches {@code host}: -1 not at all, 0 {@code *}, the suffix's length, or exact. */
  private static int rank(String pattern, String host) {
    if (pattern.equals("*")) {
      return 0;
    }
    if (host.isEmpty()) {
      return -1;
    }
    if (pattern.equals(host)) {
      return Integer.MAX_VALUE;
    }
    if (pattern.startsWith("*")) {
      String suffix = pattern.substring(1);
      return host.length() > suffix.length() && host.endsWith(suffix) ? suffix.length() : -1;
    }
    return -1;
  }
}
