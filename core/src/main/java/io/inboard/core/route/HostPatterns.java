package io.inboard.core.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Gateway server host patterns ({@code [namespace/]host}) mapped to what each stands for, looked up
 * as Envoy picks among domains: the exact name, else the wildcard with the longest suffix
 * ({@code *.eu.example.com} before {@code *.example.com}), else {@code *}. The first server listing
 * a pattern keeps it. Immutable once built; a look-up is one probe per dot.
 */
public final class HostPatterns<T> {
  private final Map<String, T> exact = new HashMap<>();
  /** What follows the {@code *}: {@code .example.com}, or {@code shop.com} for {@code *shop.com}. */
  private final Map<String, T> suffixes = new HashMap<>();
  private T anyHost;

  /** Adds every host of a server, unless an earlier server listed it already. */
  public void add(Iterable<String> serverHosts, T value) {
    for (String serverHost : serverHosts) {
      String dns = serverHost.substring(serverHost.indexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (dns.equals("*")) {
        anyHost = anyHost == null ? value : anyHost;
      } else if (dns.startsWith("*")) {
        suffixes.putIfAbsent(dns.substring(1), value);
      } else {
        exact.putIfAbsent(dns, value);
      }
    }
  }

  public boolean isEmpty() {
    return exact.isEmpty() && suffixes.isEmpty() && anyHost == null;
  }

  /**
   * What the best pattern for {@code host} (lower-case, no port) stands for, or {@code null};
   * an empty or {@code null} host (no SNI) meets {@code *} only.
   */
  public T find(String host) {
    if (host == null || host.isEmpty()) {
      return anyHost;
    }
    T found = exact.get(host);
    if (found != null) {
      return found;
    }
    if (!suffixes.isEmpty()) {
      // Longest suffix first: from the first character on, each position is a candidate.
      for (int i = 1; i < host.length(); i++) {
        T value = suffixes.get(host.substring(i));
        if (value != null) {
          return value;
        }
      }
    }
    return anyHost;
  }
}
