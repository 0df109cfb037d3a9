package io.inboard.core.model;

/** Placeholder: the full record is written with the parser. */
public record DestinationRule(String apiVersion, ObjectMeta metadata) implements Resource {
  @Override
  public String kind() {
    return "DestinationRule";
  }
}
