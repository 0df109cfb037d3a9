package io.inboard.server;

import java.util.Comparator;

/** Identifies a stored resource: kind, namespace and name. Ordered for stable listings. */
record ResourceKey(ResourceKind kind, String namespace, String name) implements Comparable<ResourceKey> {
  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::kind)
          .thenComparing(ResourceKey::namespace)
          .thenComparing(ResourceKey::name);

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  /** {@code virtualservice traffic-management/user}, the form used in responses and logs. */
  @Override
  public String toString() {
    return kind.kind().toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
  }
}
