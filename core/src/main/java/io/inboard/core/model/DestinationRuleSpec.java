package io.inboard.core.model;

import java.util.List;
import java.util.Map;

/**
 * The {@code spec} of a DestinationRule.
 *
 * @param host as written (short names resolve against the resource's namespace)
 * @param trafficPolicy {@code null} when not given
 * @param exportTo the namespaces it is visible to, as written; empty means every namespace
 *     ({@link ExportTo})
 * @param workloadSelector the {@code workloadSelector.matchLabels}, or {@code null} when the rule
 *     has no selector: with one, the rule applies only to the workloads of its own namespace whose
 *     labels include these (an empty map selects all of them)
 */
public record DestinationRuleSpec(String host, TrafficPolicy trafficPolicy, List<Subset> subsets,
    List<String> exportTo, Map<String, String> workloadSelector) {
  public DestinationRuleSpec {
    subsets = subsets == null ? List.of() : List.copyOf(subsets);
    exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
    workloadSelector = workloadSelector == null ? null : Map.copyOf(workloadSelector);
  }

  /** Exported to every namespace, without a workload selector. */
  public DestinationRuleSpec(String host, TrafficPolicy trafficPolicy, List<Subset> subsets) {
    this(host, trafficPolicy, subsets, List.of(), null);
  }

  /** The policy in force for {@code subsetName} ({@code null}: the host as a whole), never null. */
  public TrafficPolicy policyFor(String subsetName) {
    TrafficPolicy base = trafficPolicy == null ? TrafficPolicy.NONE : trafficPolicy;
    if (subsetName == null) {
      return base;
    }
    for (Subset s : subsets) {
      if (s.name().equals(subsetName)) {
        return base.overriddenBy(s.trafficPolicy());
      }
    }
    return base;
  }
}
