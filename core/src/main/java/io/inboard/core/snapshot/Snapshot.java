package io.inboard.core.snapshot;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.RouteTable;
import java.util.List;
import java.util.Set;

/**
 * The whole routing state at one revision — resources and live instances — compiled once into
 * immutable look-up structures. Readers hold a reference and never see it change.
 *
 * <p>The routes are compiled when first asked for: an agent or a gateway routes only through its
 * own view ({@link #viewedBy}) and never asks the whole mesh's snapshot it received for them, so
 * that is not compiled at all there.
 */
public final class Snapshot {
  public static final Snapshot EMPTY = compile(0, List.of(), List.of());

  private final long revision;
  private final List<ParsedResource> resources;
  private final List<Instance> instances;
  /** Compiled on first use (see the class comment); then the same table for every reader. */
  private volatile RouteTable routeTable;
  /** The workload this snapshot's routes were compiled for, or {@code null}: the whole mesh's view. */
  private final Workload workload;

  private Snapshot(long revision, List<ParsedResource> resources, List<Instance> instances, Workload workload) {
    this.revision = revision;
    this.resources = List.copyOf(resources);
    this.instances = List.copyOf(instances);
    this.workload = workload;
  }

  /**
   * The snapshot of resources (already valid) and instances; their routes are compiled when first
   * asked for, which never throws for valid resources.
   */
  public static Snapshot compile(long revision, List<ParsedResource> resources, List<Instance> instances) {
    return new Snapshot(revision, resources, instances, null);
  }

  /**
   * The same resources and instances with routes compiled as {@code workload} (an agent's service, or a
   * gateway) sees them: the VirtualServices exported to its namespace, and for each host the
   * DestinationRule Istio would choose for it ({@code exportTo}, {@code workloadSelector}, the precedence of
   * its own namespace over the host's over the root namespace's). Compiled once per snapshot, when its
   * routes are first asked for (the agent and the gateway do so as the snapshot arrives), so the
   * request path does no more than with the whole mesh's view. {@code null} (or one without a namespace):
   * this snapshot.
   */
  public Snapshot viewedBy(Workload workload) {
    if (workload == null || workload.namespace() == null || workload.equals(this.workload)) {
      return this;
    }
    return new Snapshot(revision, resources, instances, workload);
  }

  /** The workload whose view this is ({@link #viewedBy}), or {@code null} for the whole mesh's. */
  public Workload workload() {
    return workload;
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
    RouteTable table = routeTable;
    if (table == null) {
      synchronized (this) {
        table = routeTable;
        if (table == null) {
          table = RouteTable.compile(resources, instances, workload);
          routeTable = table;
        }
      }
    }
    return table;
  }

  /**
   * Lower-case names of the headers to carry from an inbound request to its outbound calls:
   * every consistent-hash header, every header a match tests, plus the trace headers
   * ({@link RouteTable#TRACE_HEADERS}). Computed once at compile time.
   */
  public Set<String> propagatedHeaders() {
    return routeTable().propagatedHeaders();
  }
}
