package io.inboard.server;

import java.util.Arrays;
import java.util.Optional;

/** The resource kinds the server stores, with the plural used in URLs. */
enum ResourceKind {
  VIRTUAL_SERVICE("VirtualService", "virtualservices"),
  DESTINATION_RULE("DestinationRule", "destinationrules"),
  GATEWAY("Gateway", "gateways");

  private final String kind;
  private final String plural;

  ResourceKind(String kind, String plural) {
    this.kind = kind;
    this.plural = plural;
  }

  /** The Istio {@code kind}, e.g. {@code VirtualService}. */
  String kind() {
    return kind;
  }

  /** The URL segment, e.g. {@code virtualservices}. */
  String plural() {
    return plural;
  }

  static Optional<ResourceKind> ofPlural(String plural) {
    return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
  }

  static Optional<ResourceKind> ofKind(String kind) {
    return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
  }
}
