package io.inboard.core.model;

/** An Istio {@code Gateway}: a load balancer at the edge of the mesh and the hosts it accepts. */
public record Gateway(String apiVersion, ObjectMeta metadata, GatewaySpec spec) implements Resource {
  public static final String KIND = "Gateway";

  @Override
  public String kind() {
    return KIND;
  }
}
