package io.inboard.core.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something kept per destination (a host, or a host and one of its subsets, and when a
 * DestinationRule's {@code portLevelSettings} gives a port its own policy, a port), found by host,
 * subset and port without allocating: the host's own entry in one map, its subsets' in a map per
 * host, port-level entries in a short list per host. Immutable; built with {@link Builder}.
 */
public final class DestinationTable<T> {
  private static final DestinationTable<?> EMPTY = new DestinationTable<>(Map.of(), Map.of(), Map.of());

  /** Entries without a subset, by host. */
  private final Map<String, T> hosts;
  /** Subsets' entries, by host then subset name. */
  private final Map<String, Map<String, T>> subsets;
  /** Port-level entries, by host; looked at only for a port other than 0. */
  private final Map<String, List<PortEntry<T>>> ports;

  private record PortEntry<T>(String subset, int port, T value) {}

  private DestinationTable(Map<String, T> hosts, Map<String, Map<String, T>> subsets,
      Map<String, List<PortEntry<T>>> ports) {
    this.hosts = hosts;
    this.subsets = subsets;
    this.ports = ports;
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

  /** The entry of the destination at {@code port}; {@code port} 0 is {@link #get(String, String)}. */
  public T get(String host, String subset, int port) {
    if (port == 0) {
      return get(host, subset);
    }
    List<PortEntry<T>> entries = ports.get(host);
    if (entries != null) {
      for (int i = 0; i < entries.size(); i++) {
        PortEntry<T> e = entries.get(i);
        if (e.port == port && Objects.equals(e.subset, subset)) {
          return e.value;
        }
      }
    }
    return null;
  }

  /** Collects the entries of a new table. */
  public static final class Builder<T> {
    private final Map<String, T> hosts = new HashMap<>();
    private final Map<String, Map<String, T>> subsets = new HashMap<>();
    private final Map<String, List<PortEntry<T>>> ports = new HashMap<>();

    public Builder<T> put(String host, String subset, T value) {
      if (subset == null) {
        hosts.put(host, value);
      } else {
        subsets.computeIfAbsent(host, h -> new HashMap<>()).put(subset, value);
      }
      return this;
    }

    /** Puts the entry of a destination at {@code port}; {@code port} 0 is {@link #put(String, String, Object)}. */
    public Builder<T> put(String host, String subset, int port, T value) {
      if (port == 0) {
        return put(host, subset, value);
      }
      List<PortEntry<T>> entries = ports.computeIfAbsent(host, h -> new ArrayList<>());
      entries.removeIf(e -> e.port == port && Objects.equals(e.subset, subset));
      entries.add(new PortEntry<>(subset, port, value));
      return this;
    }

    public DestinationTable<T> build() {
      Map<String, Map<String, T>> frozen = new HashMap<>();
      subsets.forEach((host, bySubset) -> frozen.put(host, Map.copyOf(bySubset)));
      Map<String, List<PortEntry<T>>> frozenPorts = new HashMap<>();
      ports.forEach((host, entries) -> frozenPorts.put(host, List.copyOf(entries)));
      return new DestinationTable<>(Map.copyOf(hosts), Map.copyOf(frozen), Map.copyOf(frozenPorts));
    }
  }
}
