package io.inboard.core.route;

import io.inboard.core.mesh.Workload;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request described by its parts rather than read from a transport: what {@code inboardctl
 * explain}, the config server's explain endpoint, benchmarks and tests hand to the router.
 * Immutable; the {@code with...} methods return changed copies.
 */
public final class DescribedRequest implements RequestView {
  private final String method;
  private final String scheme;
  private final String authority;
  private final String path;
  private final String query;
  /** Lower-case names to values in order. */
  private final Map<String, List<String>> headers;
  private final Workload source;
  private final String gateway;
  private final String sourceIp;

  private DescribedRequest(String method, String scheme, String authority, String path, String query,
      Map<String, List<String>> headers, Workload source, String gateway, String sourceIp) {
    this.method = method;
    this.scheme = scheme;
    this.authority = authority;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.source = source;
    this.gateway = gateway;
    this.sourceIp = sourceIp;
  }

  /**
   * A request for an absolute URL such as {@code http://user:8080/list?x=1}, made from no
   * workload at no gateway, its path normalized as a mesh hop normalizes it before routing
   * ({@link PathNormalization}: {@code /a/../b} is {@code /b}).
   *
   * @throws IllegalArgumentException when the URL is not absolute http(s) with a host
   */
  public static DescribedRequest of(String method, String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("URL '" + url + "' is not valid: " + e.getMessage()
          + "; give an absolute URL such as http://user/list", e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException(
          "URL '" + url + "' must be absolute with an http or https scheme and a host, e.g. http://user/list");
    }
    // Normalized as agents and gateways normalize a call's path before routing it.
    String path = PathNormalization.normalize(uri.getRawPath());
    return new DescribedRequest(method.toUpperCase(Locale.ROOT), scheme.toLowerCase(Locale.ROOT),
        uri.getRawAuthority(), path, uri.getRawQuery(), Map.of(), null, null, null);
  }

  /** A copy with one more value of header {@code name}. */
  public DescribedRequest withHeader(String name, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>(headers);
    List<String> values = new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    values.add(value);
    copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
    return new DescribedRequest(method, scheme, authority, path, query, Map.copyOf(copy), source, gateway, sourceIp);
  }

  /** A copy made by {@code workload} inside the mesh (and at no gateway). */
  public DescribedRequest from(Workload workload) {
    return new DescribedRequest(method, scheme, authority, path, query, headers, workload, null, sourceIp);
  }

  /** A copy arriving at gateway {@code ns/name} (and from no workload). */
  public DescribedRequest atGateway(String gatewayKey) {
    return new DescribedRequest(method, scheme, authority, path, query, headers, null, gatewayKey, sourceIp);
  }

  public DescribedRequest withSourceIp(String ip) {
    return new DescribedRequest(method, scheme, authority, path, query, headers, source, gateway, ip);
  }

  /** Every header, lower-case names, values in order. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public String header(String name) {
    List<String> values = headers.get(name);
    if (values == null && !headers.isEmpty()) {
      values = headers.get(name.toLowerCase(Locale.ROOT));
    }
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public String sourceIp() {
    return sourceIp;
  }

  @Override
  public Workload source() {
    return source;
  }

  @Override
  public String gateway() {
    return gateway;
  }

  @Override
  public String toString() {
    return method + " " + scheme + "://" + authority + path + (query == null ? "" : "?" + query);
  }
}
