package io.inboard.core.route;

import io.inboard.core.model.ClientTLSSettings;

/**
 * A destination of a snapshot whose DestinationRule has the caller open TLS to its instances
 * ({@code tls.mode} {@code SIMPLE} or {@code MUTUAL}): the host, the subset ({@code null} for all the host's
 * instances), the port when a {@code portLevelSettings} entry gives traffic to it its own policy (else 0),
 * the rule's {@code namespace/name} and the TLS settings in force (a subset's, port-level or top-level).
 */
public record TlsDestination(String host, String subset, int port, String rule, ClientTLSSettings tls) {

  /** How messages name where the settings come from: {@code DestinationRule ns/name spec.trafficPolicy.tls}. */
  public String where() {
    return "DestinationRule " + rule + " " + tls.field();
  }

  /**
   * The server name the handshake sends: {@code sni} when given, else (Istio's automatic SNI) the host of
   * {@code authority}, the Host the request goes upstream with, unless it is an IP address; {@code null}
   * for none.
   */
  public static String serverName(ClientTLSSettings tls, String authority) {
    if (tls.sni() != null) {
      return tls.sni();
    }
    if (authority == null) {
      return null;
    }
    String host = ServerNames.hostName(authority);
    return host.isEmpty() || host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c))
        ? null : host;
  }
}
