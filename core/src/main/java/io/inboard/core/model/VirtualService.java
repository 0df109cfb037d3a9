package io.inboard.core.model;

/** An Istio {@code VirtualService}: how requests for some hosts are routed. */
public record VirtualService(String apiVersion, ObjectMeta metadata, VirtualServiceSpec spec)
    implements Resource {
  public static final String KIND = "VirtualService";

  @Override
  public String kind() {
    return KIND;
  }
}
