package io.inboard.core.mesh;

import java.util.HashMap;
import java.util.Map;

/**
 * Something kept per destination (a host, or a host and one of its subsets), found by host and
 * subset without allocating: the host's own entry in one map, its subsets' in a map per host.
 * Immutable; built with {@link Builder}.
 */
public final class DestinationTable<T> {
  private static final DestinationTable<?> EMPTY = new DestinationTable<>(Map.of(), Map.of());

  /** Entries without a subset, by host. */
  private final Map<String, T> hosts;
  /** Subsets' entries, by host then subset name. */
  private final Map<String, Map<String, T>> subsets;

  private DestinationTable(Map<String, T> hosts, Map<String, Map<String, T>> subsets) {
    this.hosts = hosts;
    this.subsets = subsets;
  }

  @SuppressWarnings("unchecked")
  public static <T> DestinationTable<T> empty() {
    return (DestinationTable<T>) EMPTY;
  }

  /** The entry of {@code host} ({@code subset} {@code null}: the host without a subset), or {@code null}. */
  public T get(String host, String subset) {
    if (subset == null) {
      return hosts.get(host);
    }
    Map<String, T> bySubset = subsets.get(host);
    return bySubset == null ? null : bySubset.get(subset);
  }

  /** Collects the entries of a new table. */
  public static final class Builder<T> {
    private final Map<String, T> hosts = new HashMap<>();
    private final Map<String, Map<String, T>> subsets = new HashMap<>();

    public Builder<T> put(String host, String subset, T value) {
      if (subset == null) {
        hosts.put(host, value);
      } else {
        subsets.computeIfAbsent(host, h -> new HashMap<>()).put(subset, value);
      }
      return this;
    }

    public DestinationTable<T> build() {
      Map<String, Map<String, T>> frozen = new HashMap<>();
      subsets.forEach((host, bySubset) -> frozen.put(host, Map.copyOf(bySubset)));
      return new DestinationTable<>(Map.copyOf(hosts), Map.copyOf(frozen));
    }
  }
}
