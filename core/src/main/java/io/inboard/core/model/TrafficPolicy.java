package io.inboard.core.model;

/**
 * Istio's {@code TrafficPolicy}. Each part is {@code null} when not given; a subset's policy
 * replaces the top-level one part by part, as whole objects ({@link #overriddenBy}).
 */
public record TrafficPolicy(
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection) {

  public static final TrafficPolicy NONE = new TrafficPolicy(null, null, null);

  /** This policy with every part that {@code subset} sets replaced by the subset's. */
  public TrafficPolicy overriddenBy(TrafficPolicy subset) {
    if (subset == null) {
      return this;
    }
    return new TrafficPolicy(
        subset.loadBalancer != null ? subset.loadBalancer : loadBalancer,
        subset.connectionPool != null ? subset.connectionPool : connectionPool,
        subset.outlierDetection != null ? subset.outlierDetection : outlierDetection);
  }

  /** The balancer in force: the given one, or Istio's default (LEAST_REQUEST). */
  public LoadBalancerSettings effectiveLoadBalancer() {
    return loadBalancer != null ? loadBalancer : LoadBalancerSettings.DEFAULT;
  }
}
