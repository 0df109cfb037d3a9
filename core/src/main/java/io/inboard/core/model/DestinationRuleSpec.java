package io.inboard.core.model;

import java.util.List;

/**
 * The {@code spec} of a DestinationRule.
 *
 * @param host as written (short names resolve against the resource's namespace)
 * @param trafficPolicy {@code null} when not given
 */
public record DestinationRuleSpec(String host, TrafficPolicy trafficPolicy, List<Subset> subsets) {
  public DestinationRuleSpec {
    subsets = subsets == null ? List.of() : List.copyOf(subsets);
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
