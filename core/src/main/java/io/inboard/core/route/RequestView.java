package io.inboard.core.route;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import java.util.List;

/**
 * What the router sees of a request. Implemented over each transport's own request type (servlet,
 * OkHttp, JDK client, Jetty proxy) so nothing is copied on the request path.
 */
public interface RequestView {
  String method();

  /** {@code http} or {@code https}. */
  String scheme();

  /** The {@code Host}/authority as sent, possibly with a port. */
  String authority();

  /** The path without the query string, e.g. {@code /user/list}. */
  String path();

  /** The raw query string without {@code ?}, or {@code null}. */
  String query();

  /** The first value of a header, looked up case-insensitively; {@code null} if absent. */
  String header(String name);

  /** The caller's IP address, for {@code useSourceIp}; may be {@code null}. */
  default String sourceIp() {
    return null;
  }

  /**
   * The calling workload when the request is made inside the mesh (service to service);
   * {@code null} at a gateway.
   */
  Workload source();

  /** {@code namespace/name} of the Gateway the request arrived at; {@code null} inside the mesh. */
  String gateway();

  /**
   * Which host-selection attempt of a retry this decision is: 0 for a request's first decision and
   * a retry's first pick; 1, 2... for the picks a retry makes again after its earlier ones chose an
   * instance already tried ({@link RetryPolicy#retryInstance}). Only a consistent-hash balancer
   * reads it (see {@link io.inboard.core.lb.ConsistentHashTable#pick(long, int)}): the others pick
   * afresh anyway.
   */
  default int hostSelectionAttempt() {
    return 0;
  }

  /**
   * The instances earlier tries of this request went to, in order, when its route retries to other
   * localities ({@code retryRemoteLocalities}); empty otherwise. Only a destination with locality
   * priorities reads it ({@link LocalityLoadBalancer}).
   */
  default List<Instance> previousTries() {
    return List.of();
  }
}
