package io.inboard.gateway;

import io.inboard.core.mesh.Workload;
import io.inboard.core.route.RequestView;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * What the router sees of a request arriving at the gateway: read straight from Jetty's request,
 * nothing copied but the normalized path. The source workload is {@code null} (the caller is
 * outside the mesh) and the gateway is the Gateway resource whose server accepted the {@code Host}.
 */
final class GatewayRequestView implements RequestView {
  private final Request request;
  private final String gateway;
  private final String path;

  GatewayRequestView(Request request, String gateway) {
    this(request, gateway, PathNormalization.normalize(request.getHttpURI().getPath()));
  }

  private GatewayRequestView(Request request, String gateway, String path) {
    this.request = request;
    this.gateway = gateway;
    this.path = path;
  }

  /** The same request as seen through another Gateway accepting the same host. */
  GatewayRequestView through(String otherGateway) {
    return new GatewayRequestView(request, otherGateway, path);
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

  @Override
  public String gateway() {
    return gateway;
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
