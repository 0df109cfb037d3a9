package io.inboard.gateway;

import io.inboard.core.model.Gateway;
import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
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
 * Which Gateway resources this gateway serves for a request's {@code Host}: every one accepting it,
 * ordered as Istio ranks host names: the exact name first, then the longest {@code *.suffix}, then
 * {@code *}; the port is ignored. Compiled once per snapshot; a look-up is a hash-map probe plus
 * one probe per dot.
 */
final class VirtualHosts {
  static final VirtualHosts NONE = new VirtualHosts(Map.of(), Map.of(), List.of(), List.of());

  /** Exact host → keys ({@code ns/name}) of the Gateways that accept it, in key order. */
  private final Map<String, List<String>> exact;
  /** Wildcard suffix including its dot (e.g. {@code .example.com}) → Gateway keys. */
  private final Map<String, List<String>> suffixes;
  /** Gateways with a {@code *} host. */
  private final List<String> anyHost;
  /** Keys of all Gateways selecting this gateway, for {@code /config}. */
  private final List<String> gateways;

  private VirtualHosts(
      Map<String, List<String>> exact,
      Map<String, List<String>> suffixes,
      List<String> anyHost,
      List<String> gateways) {
    this.exact = exact;
    this.suffixes = suffixes;
    this.anyHost = anyHost;
    this.gateways = gateways;
  }

  /**
   * Compiles the hosts of every Gateway among {@code resources} whose {@code selector} is a subset
   * of {@code labels} (an empty selector selects every gateway, as in Istio).
   */
  static VirtualHosts compile(List<ParsedResource> resources, Map<String, String> labels) {
    List<Gateway> selected = new ArrayList<>();
    for (ParsedResource parsed : resources) {
      if (parsed.resource() instanceof Gateway gateway && selects(gateway, labels)) {
        selected.add(gateway);
      }
    }
    selected.sort(Comparator.comparing(Gateway::key));
    Map<String, Set<String>> exact = new HashMap<>();
    Map<String, Set<String>> suffixes = new HashMap<>();
    Set<String> anyHost = new LinkedHashSet<>();
    for (Gateway gateway : selected) {
      for (Server server : gateway.spec().servers()) {
        for (String host : server.hosts()) {
          String dns = dnsPart(host);
          if (dns.equals("*")) {
            anyHost.add(gateway.key());
          } else if (dns.startsWith("*.")) {
            suffixes.computeIfAbsent(dns.substring(1), k -> new LinkedHashSet<>()).add(gateway.key());
          } else if (dns.startsWith("*")) {
            // "*foo.com" is legal in Istio and means any name ending in "foo.com".
            suffixes.computeIfAbsent(dns.substring(1), k -> new LinkedHashSet<>()).add(gateway.key());
          } else {
            exact.computeIfAbsent(dns, k -> new LinkedHashSet<>()).add(gateway.key());
          }
        }
      }
    }
    return new VirtualHosts(
        freeze(exact),
        freeze(suffixes),
        List.copyOf(anyHost),
        selected.stream().map(Gateway::key).toList());
  }

  static boolean selects(Gateway gateway, Map<String, String> labels) {
    for (Map.Entry<String, String> wanted : gateway.spec().selector().entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The keys of every Gateway accepting {@code authority} (a {@code Host} header, port allowed),
   * best match first: those listing the exact name, then those with a matching {@code *.suffix},
   * longest first, then those with {@code *}; each Gateway once, at its best place. Empty when none
   * accepts it. All of them are candidates, as Istio merges the servers of every Gateway on a port
   * into one route table: a VirtualService bound to a {@code *.example.com} Gateway still serves
   * {@code user.example.com} when another Gateway lists that name.
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
