package io.inboard.gateway;

import io.inboard.core.mesh.Workload;
import io.inboard.core.route.RequestView;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * What the router sees of a request arriving at the gateway: read straight from Jetty's request,
 * nothing copied. The source workload is {@code null} (the caller is outside the mesh) and the
 * gateway is the Gateway resource whose server accepted the {@code Host}.
 */
final class GatewayRequestView implements RequestView {
  private final Request request;
  private final String gateway;

  GatewayRequestView(Request request, String gateway) {
    this.request = request;
    this.gateway = gateway;
  }

  /** The same request as seen through another Gateway accepting the same host. */
  GatewayRequestView through(String otherGateway) {
    return new GatewayRequestView(request, otherGateway);
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

  @Override
  public String path() {
    String path = request.getHttpURI().getPath();
    return path == null || path.isEmpty() ? "/" : path;
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
