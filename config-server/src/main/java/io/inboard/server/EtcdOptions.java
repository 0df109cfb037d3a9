package io.inboard.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the etcd store lives: the client URLs of the etcd cluster (any member answers; the next is
 * tried when one cannot be reached) and the key prefix under which this control plane keeps its
 * state, so that one etcd can hold several.
 */
public record EtcdOptions(List<URI> endpoints, String prefix) {
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
  public static final String DEFAULT_PREFIX = "/inboard/";

  public EtcdOptions {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * @param endpoints comma-separated URLs such as {@code http://10.0.0.1:2379}; {@code null} for the default
   * @param prefix {@code null} for the default; a missing trailing {@code /} is added
   * @throws IllegalArgumentException saying which value is wrong and what to give instead
   */
  static EtcdOptions parse(String endpoints, String prefix) {
    List<URI> uris = new ArrayList<>();
    for (String part : (endpoints == null ? DEFAULT_ENDPOINT : endpoints).split(",", -1)) {
      uris.add(endpoint(part.trim()));
    }
    return new EtcdOptions(uris, prefix(prefix == null ? DEFAULT_PREFIX : prefix.trim()));
  }

  private static URI endpoint(String text) {
    String how = "; give etcd client URLs like http://127.0.0.1:2379, separated by commas";
    if (text.isEmpty()) {
      throw new IllegalArgumentException("--etcd-endpoints has an empty entry" + how);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text) + "' is not a URL" + how);
    }
    if ("https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("etcd endpoint '" + text + "': TLS to etcd is not supported yet;"
          + " use an http:// endpoint (etcd on a private network or loopback)");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text) + "' is not an http:// URL with a host"
          + how);
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text)
          + "' has more than scheme, host and port" + how);
    }
    int port = uri.getPort() == -1 ? 2379 : uri.getPort();
    return URI.create("http://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
        ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + port);
  }

  private static String prefix(String text) {
    if (!text.startsWith("/") || text.length() > 200 || !text.matches("[!-~]+")) {
      throw new IllegalArgumentException("--etcd-prefix '" + Names.printable(text) + "' must start with '/' and be"
          + " visible ASCII without spaces (at most 200 characters), e.g. /inboard/");
    }
    return text.endsWith("/") ? text : text + "/";
  }

  @Override
  public String toString() {
    return endpoints + " prefix " + prefix;
  }
}
