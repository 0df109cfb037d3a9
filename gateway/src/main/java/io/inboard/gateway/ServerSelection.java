package io.inboard.gateway;

import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import io.inboard.core.route.GatewayServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which servers of the Gateways selecting this gateway it serves, and on which of its ports: HTTP,
 * HTTP2 and GRPC servers on the plain port's number, HTTPS servers that terminate TLS ({@code SIMPLE},
 * {@code MUTUAL}, {@code OPTIONAL_MUTUAL}) on the HTTPS port's; every other server is left out, with why.
 *
 * @param http the HTTP servers, with every Gateway selecting this gateway and every server left out
 * @param https the HTTPS servers, in Istio's order
 */
record ServerSelection(GatewayServers http, List<GatewayServer> https) {

  /** @param httpsPorts the HTTPS port's numbers, or {@code null} when the gateway has no HTTPS port */
  static ServerSelection of(List<ParsedResource> resources, Map<String, String> labels,
      VirtualHosts.ServedPorts httpPorts, VirtualHosts.ServedPorts httpsPorts) {
    GatewayServers all = GatewayServers.select(resources, labels, server -> refusal(server, httpPorts, httpsPorts));
    List<GatewayServer> http = new ArrayList<>();
    List<GatewayServer> https = new ArrayList<>();
    for (GatewayServer server : all.servers()) {
      (server.server().port().protocol().equals("HTTPS") ? https : http).add(server);
    }
    return new ServerSelection(new GatewayServers(all.gateways(), http, all.ignored()), List.copyOf(https));
  }

  private static String refusal(Server server, VirtualHosts.ServedPorts httpPorts, VirtualHosts.ServedPorts httpsPorts) {
    int number = server.port().number();
    String protocol = server.port().protocol().toUpperCase(Locale.ROOT);
    switch (protocol) {
      // As Istio merges the plain-text HTTP servers of a port (HTTP, HTTP2, GRPC) into one route table.
      case "HTTP", "HTTP2", "GRPC" -> {
        return httpPorts.serves(number) ? null : "is on port " + number + ", not this gateway's port " + httpPorts
            + "; it is left out (set --service-port to the port its Gateways name)";
      }
      case "HTTPS" -> {
        if (httpsPorts == null) {
          return "has protocol HTTPS and the gateway has no HTTPS port; it is left out (start it with --https-port)";
        }
        if (server.tls() == null || !server.tls().terminates()) {
          return "has tls.mode " + (server.tls() == null ? "(none)" : server.tls().mode())
              + ", which the gateway does not serve (only SIMPLE, MUTUAL, OPTIONAL_MUTUAL); it is left out";
        }
        return httpsPorts.serves(number) ? null : "is on port " + number + ", not this gateway's HTTPS port "
            + httpsPorts + "; it is left out (set --https-service-port to the port its Gateways name)";
      }
      default -> {
        return "has protocol " + server.port().protocol() + "; it is left out (the gateway serves HTTP, HTTP2, GRPC and HTTPS only)";
      }
    }
  }
}
