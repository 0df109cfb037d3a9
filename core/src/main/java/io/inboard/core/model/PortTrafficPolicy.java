package io.inboard.core.model;

import java.util.List;

/**
 * One entry of a traffic policy's {@code portLevelSettings}: the parts of the policy that replace
 * the destination-level ones, as whole objects, for traffic to {@code port}. Each part is
 * {@code null} when not given.
 *
 * @param port 1-65535
 * @param tls the TLS settings for traffic to the port, or {@code null}
 */
public record PortTrafficPolicy(
    int port,
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection,
    ClientTLSSettings tls) {

  /** An entry without TLS settings. */
  public PortTrafficPolicy(int port, LoadBalancerSettings loadBalancer, ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection) {
    this(port, loadBalancer, connectionPool, outlierDetection, null);
  }

  /** The parts of this entry as a traffic policy without port-level settings, for {@link TrafficPolicy#overriddenBy}. */
  public TrafficPolicy asPolicy() {
    return new TrafficPolicy(loadBalancer, connectionPool, outlierDetection, List.of(), null, tls);
  }
}
