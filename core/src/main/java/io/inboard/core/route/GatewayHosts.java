package io.inboard.core.route;

import java.util.List;

/**
 * The hosts a Gateway's servers accept, each {@code [namespace/]dnsName}: which request hosts it
 * serves, and which namespaces' VirtualServices may bind to them.
 */
final class GatewayHosts {
  private record ServerHost(String namespace, String dns) {}

  final String key;
  private final List<ServerHost> hosts;

  GatewayHosts(String key, String gatewayNamespace, List<String> serverHosts) {
    this.key = key;
    this.hosts = serverHosts.stream()
        .map(h -> {
          int slash = h.indexOf('/');
          String ns = slash < 0 ? "*" : h.substring(0, slash);
          if (ns.equals(".")) {
            ns = gatewayNamespace;
          }
          return new ServerHost(ns, h.substring(slash + 1).toLowerCase(java.util.Locale.ROOT));
        })
        .toList();
  }

  boolean serves(String host) {
    for (ServerHost h : hosts) {
      if (dnsMatches(h.dns, host)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a VirtualService of {@code namespace} may serve {@code host} through this gateway. */
  boolean admits(String host, String namespace) {
    for (ServerHost h : hosts) {
      if ((h.namespace.equals("*") || h.namespace.equals(namespace)) && dnsMatches(h.dns, host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The DNS names of the hosts open to VirtualServices of {@code namespace}: those written without
   * a namespace or with {@code *}, and those naming that namespace (Istio's
   * {@code NamesForNamespace}).
   */
  List<String> hostsFor(String namespace) {
    List<String> out = new java.util.ArrayList<>(hosts.size());
    for (ServerHost h : hosts) {
      if (h.namespace.equals("*") || h.namespace.equals(namespace)) {
        out.add(h.dns);
      }
    }
    return out;
  }

  static boolean dnsMatches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
    }
    return pattern.equals(host);
  }
}
