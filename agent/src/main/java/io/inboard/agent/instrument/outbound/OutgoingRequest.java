package io.inboard.agent.instrument.outbound;

import io.inboard.core.mesh.Workload;
import io.inboard.core.route.PathNormalization;
import io.inboard.core.route.RequestView;
import java.util.function.UnaryOperator;

/**
 * The router's view of one outbound call, over whatever the client's own request type is: the
 * header look-up goes straight to it, nothing is copied. The path is normalized as an Envoy sidecar
 * normalizes a call's path before it picks a route (Istio's default, {@link PathNormalization}),
 * so that {@code /public/../admin} meets the rules for {@code /admin}, and is sent normalized.
 *
 * <p>Public, with the members OkHttp's classes use: those classes are also defined in the class
 * loader of an application's own OkHttp, a package of another loader, while this one stays shared.
 */
public final class OutgoingRequest implements RequestView {
  private final String method;
  private final String scheme;
  private final String authority;
  private final String path;
  /** The normalized path where it differs from the one the application gave, else {@code null}. */
  private final String changedPath;
  private final String query;
  private final UnaryOperator<String> headers;
  private final Workload source;

  public OutgoingRequest(
      String method,
      String scheme,
      String authority,
      String path,
      String query,
      UnaryOperator<String> headers,
      Workload source) {
    this.method = method;
    this.scheme = scheme;
    this.authority = authority;
    this.path = PathNormalization.normalize(path);
    this.changedPath = path == null || this.path == path || this.path.equals(path) ? null : this.path;
    this.query = query;
    this.headers = headers;
    this.source = source;
  }

  /** {@code host} or {@code host:port} as a URL gives them ({@code port} -1 when absent). */
  public static String authority(String host, int port) {
    return port < 0 ? host : host + ":" + port;
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

  /**
   * The path to send in place of the application's when normalizing changed it ({@code null} when
   * it did not): Envoy forwards the path it routed by.
   */
  String changedPath() {
    return changedPath;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public String header(String name) {
    return headers.apply(name);
  }

  @Override
  public Workload source() {
    return source;
  }

  @Override
  public String gateway() {
    return null;
  }
}
