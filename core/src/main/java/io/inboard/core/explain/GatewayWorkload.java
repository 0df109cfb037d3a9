package io.inboard.core.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.GatewayPortRoutes;
import io.inboard.core.route.GatewayServers;
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
 * labels: explain does not know a real gateway's other labels.
 *
 * @param gateway the named Gateway's key ({@code ns/name})
 * @param labels the workload's labels: the named Gateway's selector
 * @param port the port the request arrives on
 * @param servers the servers merged on that port
 * @param routes the port's route table
 * @param snapshot the snapshot as the gateway workload sees it: taken to be in the named Gateway's namespace,
 *     with its selector as labels ({@code exportTo} is checked against that namespace)
 */
record GatewayWorkload(String gateway, Map<String, String> labels, int port, GatewayServers servers,
    GatewayPortRoutes routes, Snapshot snapshot) {

  /**
   * The workload {@code gatewayKey} selects, on {@code port} when it is given, else on the port of
   * the request's URL when the Gateway has a server there, else on the port of its first HTTP
   * server (the first server's when none is HTTP).
   *
   * @throws IllegalArgumentException when no Gateway has that key
   */
  static GatewayWorkload of(Snapshot snapshot, String gatewayKey, Integer port, int urlPort) {
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
    int on = port != null ? port : defaultPort(named, urlPort);
    Map<String, String> labels = new TreeMap<>(named.spec().selector());
    GatewayServers servers = GatewayServers.select(snapshot.resources(), labels, number -> number == on,
        "port " + on, "give gatewayPort, or --gateway-port, to explain another port");
    Snapshot viewed = snapshot.viewedBy(new Workload(named.metadata().namespace(), null, labels));
    return new GatewayWorkload(gatewayKey, Map.copyOf(labels), on,
        servers, GatewayPortRoutes.compile(viewed.routeTable(), servers.servers()), viewed);
  }

  /** {@code urlPort}: the URL's explicit port, or -1. */
  private static int defaultPort(Gateway named, int urlPort) {
    List<Server> servers = named.spec().servers();
    for (Server server : servers) {
      if (server.port().number() == urlPort) {
        return urlPort;
      }
    }
    for (Server server : servers) {
      if ("HTTP".equalsIgnoreCase(server.port().protocol())) {
        return server.port().number();
      }
    }
    return servers.isEmpty() ? 80 : servers.get(0).port().number();
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
    return o;
  }
}
