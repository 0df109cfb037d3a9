package io.inboard.core.snapshot;

import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.RouteTable;
import java.util.List;
import java.util.Set;

/**
 * The whole routing state at one revision — resources and live instances — compiled once into
 * immutable look-up structures. Readers hold a reference and never see it change.
 */
public final class Snapshot {
  public static final Snapshot EMPTY = compile(0, List.of(), List.of());

  private final long revision;
  private final List<ParsedResource> resources;
  private final List<Instance> instances;
  private final RouteTable routeTable;

  private Snapshot(long revision, List<ParsedResource> resources, List<Instance> instances) {
    this.revision = revision;
    this.resources = List.copyOf(resources);
    this.instances = List.copyOf(instances);
    this.routeTable = RouteTable.compile(this.resources, this.instances);
  }

  /** Compiles resources (already valid) and instances; never throws for valid resources. */
  public static Snapshot compile(long revision, List<ParsedResource> resources, List<Instance> instances) {
    return new Snapshot(revision, resources, instances);
  }

  public long revision() {
    return revision;
  }

  public List<ParsedResource> resources() {
    return resources;
  }

  public List<Instance> instances() {
    return instances;
  }

  /** The compiled hosts, rules and balancers that a {@code Router} walks. */
  public RouteTable routeTable() {
    return routeTable;
  }

  /**
   * Lower-case names of the headers to carry from an inbound request to its outbound calls:
   * every consistent-hash header, every header a match tests, plus the trace headers
   * ({@link RouteTable#TRACE_HEADERS}). Computed once at compile time.
   */
  public Set<String> propagatedHeaders() {
    return routeTable.propagatedHeaders();
  }
}
