package io.inboard.core.model;

/**
 * One entry of a traffic policy's {@code portLevelSettings}: the parts of the policy that replace
 * the destination-level ones, as whole objects, for traffic to {@code port}. Each part is
 * {@code null} when not given.
 *
 * @param port 1-65535
 */
public record PortTrafficPolicy(
    int port,
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection) {

  /** The parts of this entry as a traffic policy without port-level settings, for {@link TrafficPolicy#overriddenBy}. */
  public TrafficPolicy asPolicy() {
    return new TrafficPolicy(loadBalancer, connectionPool, outlierDetection);
  }
}
