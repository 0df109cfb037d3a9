package io.inboard.core.model;

/**
 * An Istio networking resource that Inboard understands: {@code apiVersion/kind/metadata/spec}.
 * The spec records are immutable and already validated when a {@link Resource} exists.
 */
public sealed interface Resource permits VirtualService, DestinationRule, Gateway {
  /** The Istio {@code kind}: {@code VirtualService}, {@code DestinationRule} or {@code Gateway}. */
  String kind();

  /** The {@code apiVersion} as written by the user, e.g. {@code networking.istio.io/v1}. */
  String apiVersion();

  ObjectMeta metadata();

  /** {@code namespace/name}, the key of a resource within its kind. */
  default String key() {
    return metadata().namespace() + "/" + metadata().name();
  }
}
