package io.inboard.core.model;

import java.util.List;

/**
 * Istio's {@code TrafficPolicy}. Each part is {@code null} when not given; a subset's policy
 * replaces the top-level one part by part, as whole objects ({@link #overriddenBy}), and so does a
 * {@code portLevelSettings} entry for traffic to its port ({@link #forPort}), which has no
 * {@code retryBudget}.
 *
 * @param portLevelSettings never null; at most one entry per port
 * @param tls how the caller opens TLS to the instances ({@code tls}), or {@code null}
 */
public record TrafficPolicy(
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection,
    List<PortTrafficPolicy> portLevelSettings,
    RetryBudget retryBudget,
    ClientTLSSettings tls) {

  public static final TrafficPolicy NONE = new TrafficPolicy(null, null, null);

  public TrafficPolicy {
    portLevelSettings = portLevelSettings == null ? List.of() : List.copyOf(portLevelSettings);
  }

  /** A policy without TLS settings. */
  public TrafficPolicy(LoadBalancerSettings loadBalancer, ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection, List<PortTrafficPolicy> portLevelSettings, RetryBudget retryBudget) {
    this(loadBalancer, connectionPool, outlierDetection, portLevelSettings, retryBudget, null);
  }

  /** A policy without a retry budget. */
  public TrafficPolicy(LoadBalancerSettings loadBalancer, ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection, List<PortTrafficPolicy> portLevelSettings) {
    this(loadBalancer, connectionPool, outlierDetection, portLevelSettings, null);
  }

  /** A policy without port-level settings or a retry budget. */
  public TrafficPolicy(
      LoadBalancerSettings loadBalancer, ConnectionPoolSettings connectionPool, OutlierDetection outlierDetection) {
    this(loadBalancer, connectionPool, outlierDetection, List.of(), null, null);
  }

  /**
   * What the circuit breakers hold the destination to: the {@code connectionPool} with the
   * {@code retryBudget}, or {@code null} when neither is given.
   */
  public ConnectionPoolSettings circuitBreaking() {
    if (retryBudget == null) {
      return connectionPool;
    }
    return (connectionPool == null ? ConnectionPoolSettings.NONE : connectionPool).withRetryBudget(retryBudget);
  }

  /** The {@code portLevelSettings} entry for {@code port}, or {@code null}. */
  public PortTrafficPolicy portLevel(int port) {
    for (PortTrafficPolicy p : portLevelSettings) {
      if (p.port() == port) {
        return p;
      }
    }
    return null;
  }

  /**
   * The policy in force for traffic to {@code port}: this one with the parts its port-level entry
   * for that port sets replaced by the entry's (Istio merges the same way), without port-level
   * settings.
   */
  public TrafficPolicy forPort(int port) {
    PortTrafficPolicy p = portLevel(port);
    TrafficPolicy base =
        new TrafficPolicy(loadBalancer, connectionPool, outlierDetection, List.of(), retryBudget, tls);
    return p == null ? base : base.overriddenBy(p.asPolicy());
  }

  /**
   * This policy with every part that {@code subset} sets replaced by the subset's (the port-level
   * settings are not merged: see {@link #forPort}).
   */
  public TrafficPolicy overriddenBy(TrafficPolicy subset) {
    if (subset == null) {
      return this;
    }
    return new TrafficPolicy(
        subset.loadBalancer != null ? subset.loadBalancer : loadBalancer,
        subset.connectionPool != null ? subset.connectionPool : connectionPool,
        subset.outlierDetection != null ? subset.outlierDetection : outlierDetection,
        List.of(),
        subset.retryBudget != null ? subset.retryBudget : retryBudget,
        subset.tls != null ? subset.tls : tls);
  }

  /**
   * The policy in force for traffic to {@code port} of a subset, in Istio's order: the top-level
   * policy, then its port-level entry for the port, then the subset's policy, then the subset's
   * port-level entry (each later one replacing the parts it sets, as whole objects).
   *
   * @param subset the subset's own policy, or {@code null}
   */
  public static TrafficPolicy merged(TrafficPolicy top, TrafficPolicy subset, int port) {
    TrafficPolicy merged = (top == null ? NONE : top).forPort(port);
    return subset == null ? merged : merged.overriddenBy(subset.forPort(port));
  }

  /** The balancer in force: the given one, or Istio's default (LEAST_REQUEST). */
  public LoadBalancerSettings effectiveLoadBalancer() {
    return loadBalancer != null ? loadBalancer : LoadBalancerSettings.DEFAULT;
  }
}
