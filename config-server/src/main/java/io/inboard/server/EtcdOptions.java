package io.inboard.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the etcd store lives: the client URLs of the etcd cluster (any member answers; the next is
 * tried when one cannot be reached), the key prefix under which this control plane keeps its
 * state, so that one etcd can hold several, and how to reach etcd securely.
 *
 * @param tls for {@code https://} endpoints, {@code null} for {@code http://} ones
 * @param login {@code null} when etcd runs without authentication
 */
public record EtcdOptions(List<URI> endpoints, String prefix, EtcdTls tls, EtcdLogin login) {
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
  public static final String DEFAULT_PREFIX = "/inboard/";

  public EtcdOptions {
    endpoints = List.copyOf(endpoints);
  }

  /** Plain http endpoints, no authentication. */
  public EtcdOptions(List<URI> endpoints, String prefix) {
    this(endpoints, prefix, null, null);
  }

  /**
   * @param endpoints comma-separated URLs such as {@code http://10.0.0.1:2379}; {@code null} for the default
   * @param prefix {@code null} for the default; a missing trailing {@code /} is added
   * @throws IllegalArgumentException saying which value is wrong and what to give instead
   */
  static EtcdOptions parse(String endpoints, String prefix) {
    return parse(endpoints, prefix, new EtcdTls.Files(null, null, null), null);
  }

  /**
   * @param tlsFiles for https endpoints only; each file is read and checked here
   * @param login {@code null} without etcd authentication
   */
  static EtcdOptions parse(String endpoints, String prefix, EtcdTls.Files tlsFiles, EtcdLogin login) {
    List<URI> uris = new ArrayList<>();
    for (String part : (endpoints == null ? DEFAULT_ENDPOINT : endpoints).split(",", -1)) {
      uris.add(endpoint(part.trim()));
    }
    boolean https = uris.get(0).getScheme().equals("https");
    for (URI uri : uris) {
      if (uri.getScheme().equals("https") != https) {
        throw new IllegalArgumentException("--etcd-endpoints mixes http:// and https:// (" + uris.get(0) + ", " + uri
            + "); a cluster serves its clients one way: give every endpoint as https:// when etcd has TLS"
            + " (--cert-file), else as http://");
      }
    }
    if (!https && tlsFiles.any()) {
      throw new IllegalArgumentException(tlsFiles.first().source() + " is for TLS to etcd, but the etcd endpoints are"
          + " http://; give them as https:// URLs, or leave the TLS files out");
    }
    EtcdTls tls = https ? EtcdTls.load(tlsFiles) : null;
    return new EtcdOptions(uris, prefix(prefix == null ? DEFAULT_PREFIX : prefix.trim()), tls, login);
  }

  private static URI endpoint(String text) {
    String how = "; give etcd client URLs like http://127.0.0.1:2379 or https://etcd-0.etcd:2379, separated by commas";
    if (text.isEmpty()) {
      throw new IllegalArgumentException("--etcd-endpoints has an empty entry" + how);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text) + "' is not a URL" + how);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text) + "' is not an http:// or https://"
          + " URL with a host" + how);
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
      throw new IllegalArgumentException("etcd endpoint '" + Names.printable(text)
          + "' has more than scheme, host and port" + how);
    }
    int port = uri.getPort() == -1 ? 2379 : uri.getPort();
    return URI.create(scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
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
    return endpoints + " prefix " + prefix + (tls == null ? "" : " " + tls) + (login == null ? "" : " " + login);
  }
}
