package io.inboard.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code loadBalancer.localityLbSetting}: which localities a caller prefers. Either
 * {@code distribute} (a share of the traffic per locality) or failover ({@code failover},
 * {@code failoverPriority}, or Istio's default order: same zone, same region, other regions).
 *
 * @param enabled {@code false} turns locality load balancing off for the destination
 * @param distribute never null; empty unless the traffic is split by locality
 * @param failover never null; the region to fail over to from a given region
 * @param failoverPriority never null; label keys (or {@code key=value}) in order of preference
 */
public record LocalityLbSetting(
    boolean enabled, List<Distribute> distribute, List<Failover> failover, List<String> failoverPriority) {

  /**
   * Istio's mesh-wide default when a DestinationRule gives none: enabled, with the default failover
   * order, which (as every failover) takes effect only with {@code outlierDetection}.
   */
  public static final LocalityLbSetting DEFAULT = new LocalityLbSetting(true, List.of(), List.of(), List.of());

  public LocalityLbSetting {
    distribute = distribute == null ? List.of() : List.copyOf(distribute);
    failover = failover == null ? List.of() : List.copyOf(failover);
    failoverPriority = failoverPriority == null ? List.of() : List.copyOf(failoverPriority);
  }

  /**
   * Callers in the localities {@code from} matches send to each locality {@code to} names the share
   * given (percent, summing to 100); the keys keep the order they were written in.
   */
  public record Distribute(String from, Map<String, Integer> to) {
    public Distribute {
      to = Collections.unmodifiableMap(new LinkedHashMap<>(to));
    }
  }

  /** When the caller's region is {@code from}, the next region to try is {@code to}. */
  public record Failover(String from, String to) {}
}
