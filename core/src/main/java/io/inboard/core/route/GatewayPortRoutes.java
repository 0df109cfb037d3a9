package io.inboard.core.route;

import io.inboard.core.model.Server;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one route table of a gateway port, built as Istio builds it: every Gateway server on the
 * port, in order, lends its hosts to the VirtualServices bound to its Gateway; each host that a
 * server and a VirtualService have in common (the more specific of the two, Istio's host
 * intersection) becomes a virtual host, and the VirtualService's routes are appended to it. A
 * request's host then picks one virtual host as Envoy does (exact name, else the longest wildcard
 * suffix, else {@code *}) and its routes are tried in order, whichever Gateway they came through.
 * Immutable; compiled once per snapshot.
 */
public final class GatewayPortRoutes {
  /** No Gateway server on the port: every host has no virtual host. */
  public static final GatewayPortRoutes NONE = new GatewayPortRoutes(Map.of(), Map.of(), null, false);

  /**
   * One server of a Gateway on the port, as the gateway serves it.
   *
   * @param gateway the Gateway's {@code namespace/name}
   * @param namespace the Gateway's namespace ({@code ./host} names it)
   * @param hosts the server's {@code [namespace/]host} entries
   * @param server the Gateway's server itself (its port and TLS settings), or {@code null} in tests
   * @param where e.g. {@code Gateway edge/shop spec.servers[1]}, for messages
   */
  public record GatewayServer(String gateway, String namespace, List<String> hosts, Server server, String where) {
    public GatewayServer {
      hosts = List.copyOf(hosts);
    }

    public GatewayServer(String gateway, String namespace, List<String> hosts) {
      this(gateway, namespace, hosts, null, "Gateway " + gateway);
    }
  }

  /** One route of the table: a match block (or a rule without one) as bound through a Gateway. */
  static final class Route {
    final Rule rule;
    /** The block's index, or {@link Router#NO_BLOCK} for a rule without {@code match}. */
    final int block;
    final VirtualServiceRoutes virtualService;
    /** The Gateway ({@code ns/name}) the VirtualService is bound through here. */
    final String gateway;
    final boolean catchAll;

    Route(Rule rule, int block, VirtualServiceRoutes virtualService, String gateway, boolean catchAll) {
      this.rule = rule;
      this.block = block;
      this.virtualService = virtualService;
      this.gateway = gateway;
      this.catchAll = catchAll;
    }
  }

  /** One virtual host: its domain and its merged routes, catch-all routes last. */
  static final class VirtualHost {
    final String domain;
    final Route[] routes;
    /** E.g. {@code [edge/vs-a via edge/gw-a, edge/vs-b via edge/gw-b]}, for explain traces. */
    final String sources;

    VirtualHost(String domain, Route[] routes, String sources) {
      this.domain = domain;
      this.routes = routes;
      this.sources = sources;
    }
  }

  private final Map<String, VirtualHost> exact;
  /** Wildcard domains by what follows the {@code *}: {@code .example.com}, or {@code shop.com}. */
  private final Map<String, VirtualHost> suffixes;
  private final VirtualHost anyHost;
  /** Whether a suffix does not start at a dot ({@code *shop.com}), so every position is a candidate. */
  private final boolean gluedSuffixes;

  private GatewayPortRoutes(Map<String, VirtualHost> exact, Map<String, VirtualHost> suffixes,
      VirtualHost anyHost, boolean gluedSuffixes) {
    this.exact = exact;
    this.suffixes = suffixes;
    this.anyHost = anyHost;
    this.gluedSuffixes = gluedSuffixes;
  }

  /**
   * Builds the port's table from its Gateway servers, given in Istio's order (Gateways oldest
   * first, then by name and namespace; each Gateway's servers as listed). The VirtualServices are
   * taken oldest first ({@link CreationOrder}). As Istio does, a VirtualService contributes its
   * routes up to its first catch-all route, and each virtual host's catch-all routes are moved
   * after all others, keeping their order.
   */
  public static GatewayPortRoutes compile(RouteTable table, List<GatewayServer> servers) {
    Map<String, List<Route>> byDomain = new LinkedHashMap<>();
    Map<String, Set<String>> sources = new HashMap<>();
    Map<String, List<Route>> routesOf = new HashMap<>();
    for (GatewayServer server : servers) {
      GatewayHosts hosts = new GatewayHosts(server.gateway(), server.namespace(), server.hosts());
      for (VirtualServiceRoutes vs : table.virtualServices) {
        if (!vs.attachedTo().contains(server.gateway())) {
          continue;
        }
        Set<String> domains = intersection(hosts.hostsFor(vs.namespace()), vs.hosts());
        if (domains.isEmpty()) {
          continue;
        }
        String source = vs.key() + " via " + server.gateway();
        List<Route> routes = routesOf.computeIfAbsent(source, k -> routes(vs, server.gateway()));
        for (String domain : domains) {
          // A VirtualService bound once more through the same Gateway would only repeat itself.
          if (!routes.isEmpty() && sources.computeIfAbsent(domain, d -> new LinkedHashSet<>()).add(source)) {
            byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).addAll(routes);
          }
        }
      }
    }
    Map<String, VirtualHost> exact = new HashMap<>();
    Map<String, VirtualHost> suffixes = new HashMap<>();
    VirtualHost any = null;
    boolean glued = false;
    for (Map.Entry<String, List<Route>> e : byDomain.entrySet()) {
      String domain = e.getKey();
      VirtualHost vh = new VirtualHost(domain, catchAllLast(e.getValue()), sources.get(domain).toString());
      if (domain.equals("*")) {
        any = vh;
      } else if (domain.startsWith("*")) {
        suffixes.put(domain.substring(1), vh);
        glued |= domain.charAt(1) != '.';
      } else {
        exact.put(domain, vh);
      }
    }
    return new GatewayPortRoutes(Map.copyOf(exact), Map.copyOf(suffixes), any, glued);
  }

  /** The routes a VirtualService gives through {@code gateway}, up to its first catch-all. */
  private static List<Route> routes(VirtualServiceRoutes vs, String gateway) {
    List<Route> out = new ArrayList<>();
    for (Rule rule : vs.rules()) {
      if (rule.blocks.length == 0) {
        if (vs.gateways().contains(gateway)) {
          out.add(new Route(rule, Router.NO_BLOCK, vs, gateway, true));
          return out;
        }
        continue;
      }
      for (int b = 0; b < rule.blocks.length; b++) {
        MatchBlock block = rule.blocks[b];
        if (!(block.gateways.isEmpty() ? vs.gateways() : block.gateways).contains(gateway)) {
          continue;
        }
        boolean catchAll = block.catchAll();
        out.add(new Route(rule, b, vs, gateway, catchAll));
        if (catchAll) {
          return out;
        }
      }
    }
    return out;
  }

  private static Route[] catchAllLast(List<Route> routes) {
    List<Route> out = new ArrayList<>(routes.size());
    routes.stream().filter(r -> !r.catchAll).forEach(out::add);
    routes.stream().filter(r -> r.catchAll).forEach(out::add);
    return out.toArray(Route[]::new);
  }

  /**
   * Istio's host intersection: for each pair of a server host and a VirtualService host where one
   * covers the other, the more specific of the two.
   */
  static Set<String> intersection(List<String> serverHosts, List<String> virtualServiceHosts) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : serverHosts) {
      for (String v : virtualServiceHosts) {
        if (covers(v, s)) {
          out.add(s);
        } else if (covers(s, v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** Whether every name {@code inner} matches is matched by {@code outer}. */
  static boolean covers(String outer, String inner) {
    if (outer.equals("*") || outer.equals(inner)) {
      return true;
    }
    if (!outer.startsWith("*")) {
      return false;
    }
    String suffix = outer.substring(1);
    if (inner.startsWith("*")) {
      return inner.substring(1).endsWith(suffix);
    }
    return inner.length() > suffix.length() && inner.endsWith(suffix);
  }

  /**
   * The virtual host Envoy picks for {@code host} (lower case, no port): the exact domain, else the
   * wildcard with the longest suffix, else {@code *}; {@code null} when none matches. One hash
   * probe per dot of the host.
   */
  VirtualHost virtualHost(String host) {
    VirtualHost found = exact.get(host);
    if (found != null) {
      return found;
    }
    if (!suffixes.isEmpty()) {
      // The longest suffix starts first; at least one character must stay in front of it.
      for (int i = 1; i < host.length(); i++) {
        if (gluedSuffixes || host.charAt(i) == '.') {
          found = suffixes.get(host.substring(i));
          if (found != null) {
            return found;
          }
        }
      }
    }
    return anyHost;
  }

  /** The domain of the virtual host serving {@code host}, or {@code null}. */
  public String domainFor(String host) {
    VirtualHost vh = virtualHost(Authority.host(host));
    return vh == null ? null : vh.domain;
  }

  /**
   * The Gateway through which {@code matched} (a rule of the virtual host serving {@code host})
   * was bound, for explain; {@code null} when that rule is not in the table.
   */
  public String gatewayOf(String host, Decision.Match matched) {
    VirtualHost vh = matched == null ? null : virtualHost(Authority.host(host));
    if (vh == null) {
      return null;
    }
    for (Route route : vh.routes) {
      if (route.rule.match.equals(matched)) {
        return route.gateway;
      }
    }
    return null;
  }
}
