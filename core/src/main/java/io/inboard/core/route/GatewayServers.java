package io.inboard.core.route;

import io.inboard.core.model.Gateway;
import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Which Gateway servers a gateway workload serves on one port, as Istio picks them: every Gateway
 * whose {@code selector} the workload's labels satisfy (an empty selector selects every gateway),
 * taken oldest first ({@link CreationOrder}), and of each its servers on the port with protocol
 * {@code HTTP}, in the order listed. These are the servers {@link GatewayPortRoutes#compile} merges
 * into the port's one route table. The gateway compiles them for itself; {@code explain} compiles
 * them for the gateway a named Gateway selects, so both decide alike.
 *
 * @param gateways the keys ({@code ns/name}) of every Gateway selecting the workload, oldest first
 * @param servers the servers on the port, in Istio's order
 * @param ignored for each server of a selected Gateway that is left out: which one and why
 */
public record GatewayServers(
    List<String> gateways, List<GatewayPortRoutes.GatewayServer> servers, List<String> ignored) {
  public GatewayServers {
    gateways = List.copyOf(gateways);
    servers = List.copyOf(servers);
    ignored = List.copyOf(ignored);
  }

  /** Whether a workload serves one server of a Gateway. */
  @FunctionalInterface
  public interface Admission {
    /** {@code null} when {@code server} is served, else why not, e.g. {@code "is on port 81, not 80"}. */
    String refusal(Server server);
  }

  /**
   * The HTTP servers a workload with {@code labels} serves on the ports {@code onPort} accepts;
   * {@code portText} names those ports in the reasons a server is left out, and {@code portHint}
   * says how to serve another port (e.g. the gateway's option), or is empty.
   */
  public static GatewayServers select(
      List<ParsedResource> resources, Map<String, String> labels, IntPredicate onPort, String portText, String portHint) {
    return select(resources, labels, server -> {
      if (!onPort.test(server.port().number())) {
        return "is on port " + server.port().number() + ", not " + portText + "; it is left out"
            + (portHint.isEmpty() ? "" : " (" + portHint + ")");
      }
      if (!server.port().plainHttp()) {
        return "has protocol " + server.port().protocol() + "; it is left out (the gateway serves HTTP, HTTP2 and GRPC "
            + "here)";
      }
      return null;
    });
  }

  /** The servers a workload with {@code labels} serves, as {@code admission} decides for each. */
  public static GatewayServers select(List<ParsedResource> resources, Map<String, String> labels, Admission admission) {
    List<ParsedResource> selected = new ArrayList<>();
    for (ParsedResource parsed : resources) {
      if (parsed.resource() instanceof Gateway gateway && selects(gateway, labels)) {
        selected.add(parsed);
      }
    }
    // Istio merges the servers of a port in the order of their Gateways: oldest first, then name.
    selected.sort(CreationOrder.OLDEST_FIRST);
    List<String> keys = new ArrayList<>(selected.size());
    List<GatewayPortRoutes.GatewayServer> served = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (ParsedResource parsed : selected) {
      Gateway gateway = (Gateway) parsed.resource();
      keys.add(gateway.key());
      List<Server> servers = gateway.spec().servers();
      for (int i = 0; i < servers.size(); i++) {
        Server server = servers.get(i);
        String where = "Gateway " + gateway.key() + " spec.servers[" + i + "]";
        String refusal = admission.refusal(server);
        if (refusal != null) {
          ignored.add(where + " " + refusal);
        } else {
          served.add(new GatewayPortRoutes.GatewayServer(
              gateway.key(), gateway.metadata().namespace(), server.hosts(), server, where));
        }
      }
    }
    return new GatewayServers(keys, served, ignored);
  }

  /** Whether {@code gateway}'s selector picks a workload with {@code labels}: each selector label equal. */
  public static boolean selects(Gateway gateway, Map<String, String> labels) {
    for (Map.Entry<String, String> wanted : gateway.spec().selector().entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
