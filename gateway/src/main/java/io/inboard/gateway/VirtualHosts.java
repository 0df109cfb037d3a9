package io.inboard.gateway;

import io.inboard.core.route.HostPatterns;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.GatewayPortRoutes;
import io.inboard.core.route.GatewayServers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Gateway resources this gateway serves and their servers on its port: the servers handed to
 * the port's route table ({@link GatewayPortRoutes}) in Istio's order, the servers left out (with
 * why), and which Gateways accept a request's {@code Host} (for the 404 of an unknown host and
 * {@code /config}), ranked as Istio ranks host names: the exact name first, then the longest
 * {@code *.suffix}, then {@code *}. Compiled once per snapshot; a look-up is a hash-map probe plus
 * one probe per dot.
 */
final class VirtualHosts {
  static final VirtualHosts NONE = new VirtualHosts(
      Map.of(), Map.of(), List.of(), List.of(), List.of(), List.of(), ServedPorts.DEFAULT, "HTTP", null, null);

  /** The port numbers a gateway serving {@code --service-port} and listening on a port answers for. */
  record ServedPorts(int servicePort, int listenerPort) {
    /** The Service port only, for a gateway whose listening port is not known yet. */
    static final ServedPorts DEFAULT = new ServedPorts(GatewaySettings.DEFAULT_SERVICE_PORT, -1);

    boolean serves(int number) {
      return number == servicePort || number == listenerPort;
    }

    @Override
    public String toString() {
      return listenerPort < 0 || listenerPort == servicePort
          ? String.valueOf(servicePort) : servicePort + " or " + listenerPort;
    }
  }

  /** Exact host → keys ({@code ns/name}) of the Gateways that accept it, in key order. */
  private final Map<String, List<String>> exact;
  /** Wildcard suffix including its dot (e.g. {@code .example.com}) → Gateway keys. */
  private final Map<String, List<String>> suffixes;
  /** Gateways with a {@code *} host. */
  private final List<String> anyHost;
  /** Keys of all Gateways selecting this gateway, for {@code /config}. */
  private final List<String> gateways;
  /** The servers on this gateway's port, in Istio's order, for the port's route table. */
  private final List<GatewayPortRoutes.GatewayServer> servers;
  /** Why each server of a selected Gateway is left out, for a warning. */
  private final List<String> ignored;
  private final ServedPorts ports;
  /** {@code HTTP} or {@code HTTPS}, for the 404 of an unknown host. */
  private final String protocol;
  /**
   * Whether the server that serves a host sends clients to HTTPS ({@code tls.httpsRedirect});
   * {@code null} when no server does, so that the request path pays one null check.
   */
  private final HostPatterns<Boolean> redirects;
  /**
   * Whether the server that serves a host is {@code HTTP2} or {@code GRPC} (its requests go to the
   * instances over HTTP/2); {@code null} when no server is.
   */
  private final HostPatterns<Boolean> http2Servers;

  private VirtualHosts(
      Map<String, List<String>> exact,
      Map<String, List<String>> suffixes,
      List<String> anyHost,
      List<String> gateways,
      List<GatewayPortRoutes.GatewayServer> servers,
      List<String> ignored,
      ServedPorts ports,
      String protocol,
      HostPatterns<Boolean> redirects,
      HostPatterns<Boolean> http2Servers) {
    this.exact = exact;
    this.suffixes = suffixes;
    this.anyHost = anyHost;
    this.gateways = gateways;
    this.servers = servers;
    this.ignored = ignored;
    this.ports = ports;
    this.protocol = protocol;
    this.redirects = redirects;
    this.http2Servers = http2Servers;
  }

  /** {@link #compile(List, Map, ServedPorts)} for a gateway on the default Service port (80). */
  static VirtualHosts compile(List<ParsedResource> resources, Map<String, String> labels) {
    return compile(resources, labels, ServedPorts.DEFAULT);
  }

  /**
   * Compiles the HTTP servers of every Gateway among {@code resources} whose {@code selector} is a
   * subset of {@code labels} (an empty selector selects every gateway, as in Istio), for a gateway
   * without an HTTPS port. Only servers on a port this gateway serves ({@code ports}) count: as in
   * Istio, each port has a route table of its own ({@link ServerSelection}).
   */
  static VirtualHosts compile(List<ParsedResource> resources, Map<String, String> labels, ServedPorts ports) {
    return compile(ServerSelection.of(resources, labels, ports, null).http(), ports, "HTTP");
  }

  /** The hosts of the servers {@code selection} picked on {@code ports}, served with {@code protocol}. */
  static VirtualHosts compile(GatewayServers selection, ServedPorts ports, String protocol) {
    HostPatterns<Boolean> redirects = new HostPatterns<>();
    HostPatterns<Boolean> http2Servers = new HostPatterns<>();
    Map<String, Set<String>> exact = new HashMap<>();
    Map<String, Set<String>> suffixes = new HashMap<>();
    Set<String> anyHost = new LinkedHashSet<>();
    for (GatewayPortRoutes.GatewayServer server : selection.servers()) {
      redirects.add(server.hosts(), redirects(server));
      http2Servers.add(server.hosts(), http2(server));
      for (String host : server.hosts()) {
        String dns = dnsPart(host);
        if (dns.equals("*")) {
          anyHost.add(server.gateway());
        } else if (dns.startsWith("*")) {
          // "*.foo.com", and "*foo.com", which is legal in Istio and means any name ending in "foo.com".
          suffixes.computeIfAbsent(dns.substring(1), k -> new LinkedHashSet<>()).add(server.gateway());
        } else {
          exact.computeIfAbsent(dns, k -> new LinkedHashSet<>()).add(server.gateway());
        }
      }
    }
    return new VirtualHosts(
        freeze(exact),
        freeze(suffixes),
        List.copyOf(anyHost),
        selection.gateways(),
        selection.servers(),
        selection.ignored(),
        ports,
        protocol,
        // Over TLS the redirect's condition is met already (Envoy's require_tls on an HTTPS server).
        !protocol.equals("HTTP") || selection.servers().stream().noneMatch(VirtualHosts::redirects) ? null : redirects,
        selection.servers().stream().noneMatch(VirtualHosts::http2) ? null : http2Servers);
  }

  private static boolean http2(GatewayPortRoutes.GatewayServer server) {
    return server.server() != null && server.server().port().http2();
  }

  /** The host patterns of the {@code HTTP2} and {@code GRPC} servers, for {@code /config}. */
  List<String> http2ServerHosts() {
    List<String> out = new ArrayList<>();
    for (GatewayPortRoutes.GatewayServer server : servers) {
      if (http2(server)) {
        out.addAll(server.hosts());
      }
    }
    return out;
  }

  /**
   * Whether the server whose host pattern serves {@code authority} best is {@code HTTP2} or {@code GRPC};
   * one null check when no server is.
   */
  boolean http2Server(String authority) {
    return http2Servers != null && http2Servers.find(hostOf(authority)) == Boolean.TRUE;
  }

  private static boolean redirects(GatewayPortRoutes.GatewayServer server) {
    return server.server() != null && server.server().tls() != null && server.server().tls().httpsRedirect();
  }

  /**
   * Whether a request for {@code authority} is answered with a redirect to HTTPS: the server whose
   * host pattern serves it best (exact, longest wildcard, {@code *}) sets {@code tls.httpsRedirect}.
   */
  boolean redirectsToHttps(String authority) {
    return redirects != null && redirects.find(hostOf(authority)) == Boolean.TRUE;
  }

  /**
   * The keys of every Gateway whose servers on this port accept {@code authority} (a {@code Host}
   * header, port allowed), best match first: those listing the exact name, then those with a
   * matching {@code *.suffix}, longest first, then those with {@code *}; each Gateway once, at its
   * best place. Empty when none accepts it: the host is unknown here. Which routes serve the host
   * is the port's route table's business ({@link GatewayPortRoutes}), where all of them contribute.
   */
  List<String> gatewaysFor(String authority) {
    String host = hostOf(authority);
    if (host.isEmpty()) {
      return anyHost;
    }
    List<List<String>> tiers = new ArrayList<>(2);
    List<String> found = exact.get(host);
    if (found != null) {
      tiers.add(found);
    }
    if (!suffixes.isEmpty()) {
      addSuffixMatches(host, tiers);
    }
    if (!anyHost.isEmpty()) {
      tiers.add(anyHost);
    }
    if (tiers.size() <= 1) {
      return tiers.isEmpty() ? List.of() : tiers.get(0);
    }
    Set<String> keys = new LinkedHashSet<>();
    tiers.forEach(keys::addAll);
    return List.copyOf(keys);
  }

  /** Adds the Gateway keys of every wildcard suffix matching {@code host}, longest suffix first. */
  private void addSuffixMatches(String host, List<List<String>> tiers) {
    List<Map.Entry<String, List<String>>> matches = new ArrayList<>(2);
    // Suffixes at a dot: ".b.c.d", ".c.d", ".d"; "*.c.d" needs a non-empty label in front, which
    // starting the search after the first character guarantees.
    for (int dot = host.indexOf('.', 1); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      String suffix = host.substring(dot);
      List<String> keys = suffixes.get(suffix);
      if (keys != null) {
        matches.add(Map.entry(suffix, keys));
      }
    }
    // Suffixes that do not start at a dot ("*foo.com").
    for (Map.Entry<String, List<String>> suffix : suffixes.entrySet()) {
      String s = suffix.getKey();
      if (s.charAt(0) != '.' && host.length() > s.length() && host.endsWith(s)) {
        matches.add(suffix);
      }
    }
    if (matches.size() > 1) {
      matches.sort(Comparator.comparingInt((Map.Entry<String, List<String>> m) -> m.getKey().length()).reversed());
    }
    matches.forEach(m -> tiers.add(m.getValue()));
  }

  List<String> gateways() {
    return gateways;
  }

  List<GatewayPortRoutes.GatewayServer> servers() {
    return servers;
  }

  /** The 404 reason for a host that no served server accepts, saying where it would have to be listed. */
  String unknownHost(String authority, Map<String, String> labels) {
    return "unknown host '" + hostOf(authority) + "': no Gateway selecting this gateway (" + labels
        + ") lists it in the spec.servers[].hosts of an " + protocol + " server on port " + ports;
  }

  /** For each server of a selected Gateway that is left out: which one, and why. */
  List<String> ignored() {
    return ignored;
  }

  /** Accepted host patterns → Gateway keys, for {@code /config}. */
  Map<String, List<String>> describeHosts() {
    Map<String, List<String>> out = new TreeMap<>(exact);
    suffixes.forEach((suffix, keys) -> out.put("*" + suffix, keys));
    if (!anyHost.isEmpty()) {
      out.put("*", anyHost);
    }
    return out;
  }

  /**
   * The host of an authority, lower-case, without port, brackets kept for IPv6, without the final
   * dot of a dotted name ({@code user.example.com.}); a single label keeps it ({@code reviews.}), as
   * the validator keeps Gateway and VirtualService hosts and the router reads a request's host.
   */
  static String hostOf(String authority) {
    if (authority == null) {
      return "";
    }
    String host = authority.trim();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close < 0 ? host : host.substring(0, close + 1);
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon);
      }
    }
    int last = host.length() - 1;
    if (last > 0 && host.charAt(last) == '.' && host.lastIndexOf('.', last - 1) >= 0) {
      host = host.substring(0, last);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /** A server host {@code [namespace/]dnsName} (namespace may be {@code *} or {@code .}) → its DNS name, lower-case. */
  private static String dnsPart(String serverHost) {
    int slash = serverHost.indexOf('/');
    return serverHost.substring(slash + 1).toLowerCase(Locale.ROOT);
  }

  private static Map<String, List<String>> freeze(Map<String, Set<String>> map) {
    Map<String, List<String>> out = new HashMap<>();
    map.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Map.copyOf(out);
  }
}
