package io.inboard.core.model;

/** Placeholder: the full record is written with the parser. */
public record Gateway(String apiVersion, ObjectMeta metadata) implements Resource {
  @Override
  public String kind() {
    return "Gateway";
  }
}
