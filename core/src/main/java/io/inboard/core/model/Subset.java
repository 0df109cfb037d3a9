package io.inboard.core.model;

import java.util.Map;

/**
 * A named group of a host's instances, selected by labels, optionally with its own policy.
 *
 * @param trafficPolicy {@code null} when the subset has none
 */
public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
  public Subset {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
