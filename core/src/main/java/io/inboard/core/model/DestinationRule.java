package io.inboard.core.model;

/** An Istio {@code DestinationRule}: subsets of a host and the policy for reaching them. */
public record DestinationRule(String apiVersion, ObjectMeta metadata, DestinationRuleSpec spec)
    implements Resource {
  public static final String KIND = "DestinationRule";

  @Override
  public String kind() {
    return KIND;
  }
}
