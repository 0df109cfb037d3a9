package io.inboard.gateway;

import io.inboard.core.mesh.Workload;
import io.inboard.core.route.PathNormalization;
import io.inboard.core.route.RequestView;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * What the router sees of a request arriving at the gateway: read straight from Jetty's request,
 * nothing copied but the normalized path. The source workload is {@code null} (the caller is
 * outside the mesh). {@link #gateway()} is {@code null} too: the request arrives at the gateway's
 * port, whose one route table ({@code GatewayPortRoutes}) knows for each route the Gateway it was
 * bound through, and it is decided with {@code Router.route(GatewayPortRoutes, RequestView)}.
 */
final class GatewayRequestView implements RequestView {
  private final Request request;
  private final String path;

  GatewayRequestView(Request request) {
    this.request = request;
    this.path = PathNormalization.normalize(request.getHttpURI().getPath());
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String scheme() {
    String scheme = request.getHttpURI().getScheme();
    return scheme != null ? scheme : request.isSecure() ? "https" : "http";
  }

  @Override
  public String authority() {
    return authorityOf(request);
  }

  /**
   * The path as Istio routes it: normalized ({@link PathNormalization}), still percent-encoded.
   * It is also the path the instance gets (unless a rule rewrites it).
   */
  @Override
  public String path() {
    return path;
  }

  /** The normalized path and the query as sent, as Envoy's {@code :path} after normalization. */
  String pathQuery() {
    String query = query();
    return query == null ? path : path + "?" + query;
  }

  @Override
  public String query() {
    return request.getHttpURI().getQuery();
  }

  @Override
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  @Override
  public String sourceIp() {
    return Request.getRemoteAddr(request);
  }

  @Override
  public Workload source() {
    return null;
  }

  /** {@code null}: see the class comment; the port's route table names the Gateway of each route. */
  @Override
  public String gateway() {
    return null;
  }

  /** The {@code Host} header as sent, else the request URI's authority (HTTP/2 or absolute form). */
  static String authorityOf(Request request) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (host != null) {
      return host;
    }
    return request.getHttpURI().getAuthority();
  }
}
