package io.inboard.core.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.GatewayPortRoutes;
import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import io.inboard.core.route.GatewayServers;
import io.inboard.core.route.ServerNames;
import java.net.URI;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway an explained request arrives at, when the question names a Gateway resource: the
 * workload that Gateway's {@code selector} picks, on one port. A real gateway merges the servers of
 * every Gateway selecting it on its port into one route table, so explain builds the same table
 * ({@link GatewayServers}, {@link GatewayPortRoutes}) and decides through it, as the gateway's own
 * {@code /explain} does. The workload is taken to carry exactly the named Gateway's selector as its
 * labels: explain does not know a real gateway's other labels. An {@code https://} URL arrives at
 * the port's HTTPS servers instead: the one its SNI reaches ({@link ServerNames}) decides it through
 * a route table of its own, as a gateway gives each HTTPS server one.
 *
 * @param gateway the named Gateway's key ({@code ns/name})
 * @param labels the workload's labels: the named Gateway's selector
 * @param port the port the request arrives on
 * @param servers the servers merged on that port
 * @param routes the port's route table
 * @param snapshot the snapshot as the gateway workload sees it: taken to be in the named Gateway's namespace,
 *     with its selector as labels ({@code exportTo} is checked against that namespace)
 * @param https for an {@code https://} URL, the HTTPS server its SNI reaches; else {@code null}
 * @param redirect for an {@code http://} URL whose host's server sets {@code tls.httpsRedirect},
 *     that server; else {@code null}
 */
record GatewayWorkload(String gateway, Map<String, String> labels, int port, GatewayServers servers,
    GatewayPortRoutes routes, Snapshot snapshot, Arrival https, GatewayServer redirect) {

  /** The HTTPS server a client reaches, and the SNI it sent ({@code null}: none). */
  record Arrival(GatewayServer server, String sni) {}

  /**
   * The workload {@code gatewayKey} selects, on {@code port} when it is given, else on the port of
   * the URL when the Gateway has a server there, else on the port of its first server of the URL's
   * protocol (HTTP, or HTTPS for an {@code https://} URL; the first server's when it has none).
   *
   * @param sni for an {@code https://} URL, the SNI the client sends; {@code null}: the URL's host
   *     (none for an IP address, as clients send none), empty: none
   * @throws IllegalArgumentException when no Gateway has that key, or no HTTPS server of the port
   *     accepts the SNI of an {@code https://} URL
   */
  static GatewayWorkload of(Snapshot snapshot, String gatewayKey, Integer port, URI url, String sni) {
    Gateway named = null;
    List<String> defined = new ArrayList<>();
    for (ParsedResource parsed : snapshot.resources()) {
      if (parsed.resource() instanceof Gateway g) {
        defined.add(g.key());
        if (g.key().equals(gatewayKey)) {
          named = g;
        }
      }
    }
    if (named == null) {
      throw new IllegalArgumentException("gateway " + gatewayKey + " is not defined; "
          + (defined.isEmpty() ? "there are no Gateways" : "the Gateways are " + String.join(", ", defined)));
    }
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int on = port != null ? port : defaultPort(named, url.getPort(), tls ? "HTTPS" : "HTTP");
    Map<String, String> labels = new TreeMap<>(named.spec().selector());
    Snapshot viewed = snapshot.viewedBy(new Workload(named.metadata().namespace(), null, labels));
    String host = url.getHost() == null ? url.getRawAuthority() : url.getHost();
    if (!tls) {
      GatewayServers servers = GatewayServers.select(snapshot.resources(), labels, number -> number == on,
          "port " + on, "give gatewayPort, or --gateway-port, to explain another port");
      GatewayServer serving = ServerNames.best(servers.servers(), host);
      boolean redirects = serving != null && serving.server() != null && serving.server().tls() != null
          && serving.server().tls().httpsRedirect();
      return new GatewayWorkload(gatewayKey, Map.copyOf(labels), on, servers,
          GatewayPortRoutes.compile(viewed.routeTable(), servers.servers()), viewed, null, redirects ? serving : null);
    }
    GatewayServers servers = GatewayServers.select(snapshot.resources(), labels, server -> httpsRefusal(server, on));
    String name = sni != null ? (sni.isEmpty() ? null : sni) : isIpAddress(host) ? null : host;
    GatewayServer reached = ServerNames.best(servers.servers(), name);
    if (reached == null) {
      List<String> accepted = new ArrayList<>();
      servers.servers().forEach(s -> accepted.add(s.where() + " " + s.hosts()));
      throw new IllegalArgumentException((name == null ? "a client sending no SNI" : "a client sending the SNI '"
          + name + "'") + " reaches no HTTPS server on port " + on + " of the gateway " + gatewayKey + " selects, so "
          + "its TLS handshake fails; " + (accepted.isEmpty() ? "there is no HTTPS server on that port"
          : "the HTTPS servers there are " + String.join(", ", accepted)) + ". Add the host to an HTTPS server's "
          + "hosts, give the SNI the client sends (sni, or --sni NAME), or another port (gatewayPort, or --gateway-port)");
    }
    return new GatewayWorkload(gatewayKey, Map.copyOf(labels), on, servers,
        GatewayPortRoutes.compile(viewed.routeTable(), List.of(reached)), viewed,
        new Arrival(reached, name == null ? null : ServerNames.hostName(name)), null);
  }

  /** Why an HTTPS-port {@code server} is not served for an {@code https://} URL on port {@code on}, or {@code null}. */
  private static String httpsRefusal(Server server, int on) {
    if (server.port().number() != on) {
      return "is on port " + server.port().number() + ", not port " + on + "; it is left out (give gatewayPort, or "
          + "--gateway-port, to explain another port)";
    }
    if (!"HTTPS".equalsIgnoreCase(server.port().protocol())) {
      return "has protocol " + server.port().protocol() + "; it is left out (an https:// URL arrives at HTTPS servers)";
    }
    if (server.tls() == null || !server.tls().terminates()) {
      return "has tls.mode " + (server.tls() == null ? "(none)" : server.tls().mode()) + ", which the gateway does "
          + "not terminate (only SIMPLE, MUTUAL, OPTIONAL_MUTUAL); it is left out";
    }
    return null;
  }

  private static boolean isIpAddress(String host) {
    return host == null || host.startsWith("[") || host.matches("[0-9.]+");
  }

  /** {@code urlPort}: the URL's explicit port, or -1. */
  private static int defaultPort(Gateway named, int urlPort, String protocol) {
    List<Server> servers = named.spec().servers();
    for (Server server : servers) {
      if (server.port().number() == urlPort) {
        return urlPort;
      }
    }
    for (Server server : servers) {
      if (protocol.equals("HTTP") ? server.port().plainHttp() : protocol.equalsIgnoreCase(server.port().protocol())) {
        return server.port().number();
      }
    }
    return servers.isEmpty() ? (protocol.equals("HTTPS") ? 443 : 80) : servers.get(0).port().number();
  }

  /** What explain says of the gateway: {@code {gateway, labels, port, selectedBy, leftOut}}: the
   * Gateways selecting the workload, oldest first, and the servers of theirs not on the port.. */
  ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("gateway", gateway);
    ObjectNode l = o.putObject("labels");
    new TreeMap<>(labels).forEach(l::put);
    o.put("port", port);
    servers.gateways().forEach(o.putArray("selectedBy")::add);
    servers.ignored().forEach(o.putArray("leftOut")::add);
    if (https != null) {
      o.put("httpsServer", https.server().where());
      o.put("sni", https.sni());
    }
    return o;
  }
}
