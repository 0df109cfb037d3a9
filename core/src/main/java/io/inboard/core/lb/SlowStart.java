package io.inboard.core.lb;

import io.inboard.core.mesh.DestinationTable;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The slow start of one caller (an agent, a gateway): for every destination whose balancer has a
 * {@code warmup}, when this caller first saw each of its instances, kept across snapshots. As each
 * Envoy does, a caller warms up the instances that join a destination after it first knew that
 * destination; the instances it finds there at first (at its own start, or when the warm-up is
 * first set) take their full share at once.
 *
 * <p>Its owner creates it with the first snapshot that sets a warm-up and calls {@link #apply}
 * with each snapshot before routing by it; while no rule sets one there is none, and the request
 * path checks only that.
 */
public final class SlowStart {
  private final LongSupplier clock;
  /** Replaced whole by {@link #apply}. */
  private volatile DestinationTable<DestinationArrivals> destinations = DestinationTable.empty();

  /** @param clock nanoseconds, as {@link System#nanoTime()} (tests pass a clock of their own) */
  public SlowStart(LongSupplier clock) {
    this.clock = clock;
  }

  /** Slow start on {@link System#nanoTime()}. */
  public SlowStart() {
    this(System::nanoTime);
  }

  /**
   * Makes a snapshot's warming destinations the current ones: an instance seen before keeps the
   * time it was first seen, one seen now for the first time starts warming now, and destinations
   * no longer warming are dropped (as Envoy drops a cluster's hosts with the cluster). Called by
   * one thread at a time, before a router for the snapshot is built.
   */
  public synchronized void apply(List<WarmingDestination> warming) {
    long now = clock.getAsLong();
    DestinationTable.Builder<DestinationArrivals> next = new DestinationTable.Builder<>();
    for (WarmingDestination w : warming) {
      DestinationArrivals d = destination(w.host(), w.subset(), w.port());
      if (d == null) {
        d = new DestinationArrivals(clock);
        d.update(w.warmup(), w.instances(), now, true);
      } else {
        d.update(w.warmup(), w.instances(), now, false);
      }
      next.put(w.host(), w.subset(), w.port(), d);
    }
    destinations = next.build();
  }

  /** The state of a destination applied last at {@code port} (0: no port-level setting), or {@code null}. */
  public DestinationArrivals destination(String host, String subset, int port) {
    return destinations.get(host, subset, port);
  }
}
