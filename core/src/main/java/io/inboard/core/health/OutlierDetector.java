package io.inboard.core.health;

import io.inboard.core.mesh.DestinationTable;
import io.inboard.core.mesh.Instance;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The outlier detection of one caller (an agent, a gateway): the {@link DestinationOutliers} of
 * every destination whose DestinationRule sets {@code outlierDetection}, kept across snapshots. As
 * with Envoy, each caller counts only its own tries and ejects only for itself.
 *
 * <p>Its owner creates it with the first snapshot that uses outlier detection, and calls
 * {@link #apply} with each snapshot before routing by it; while no rule sets
 * {@code outlierDetection} there is no detector, and the request path checks only that.
 */
public final class OutlierDetector {
  private final LongSupplier clock;
  private final Consumer<Ejection> listener;
  /** Replaced whole by {@link #apply}. */
  private volatile DestinationTable<DestinationOutliers> destinations = DestinationTable.empty();

  /**
   * @param clock nanoseconds, as {@link System#nanoTime()} (tests pass a clock of their own)
   * @param listener told of each ejection (log, metrics), on the thread that reported the failure;
   *     it must not block, and what it throws is dropped
   */
  public OutlierDetector(LongSupplier clock, Consumer<Ejection> listener) {
    this.clock = clock;
    this.listener = listener;
  }

  /** A detector on {@link System#nanoTime()}. */
  public OutlierDetector(Consumer<Ejection> listener) {
    this(System::nanoTime, listener);
  }

  /**
   * Makes a snapshot's destinations the tracked ones: their policies and instances are taken (an
   * instance that stays keeps its counts and ejection), destinations no longer tracked are dropped.
   * Called by one thread at a time, before a router for the snapshot is built.
   */
  public synchronized void apply(List<TrackedDestination> tracked) {
    DestinationTable.Builder<DestinationOutliers> next = new DestinationTable.Builder<>();
    for (TrackedDestination t : tracked) {
      DestinationOutliers d = destination(t.host(), t.subset(), t.port());
      if (d == null) {
        d = new DestinationOutliers(t.host(), t.subset(), t.port(), clock, this::tell);
      }
      d.update(t.policy(), t.instances());
      next.put(t.host(), t.subset(), t.port(), d);
    }
    destinations = next.build();
  }

  /** The state of a destination applied last ({@code subset} {@code null}: the whole host), or {@code null}. */
  public DestinationOutliers destination(String host, String subset) {
    return destinations.get(host, subset);
  }

  /**
   * The state of a destination at {@code port}, the {@code policyPort} of the decision's target (0
   * when no port-level setting applies), or {@code null}.
   */
  public DestinationOutliers destination(String host, String subset, int port) {
    return destinations.get(host, subset, port);
  }

  /**
   * Reports how one try of a call routed to {@code host} ({@code subset}) ended: the status
   * {@code instance} answered with, or 0 when it gave none (refused, reset, timed out). A
   * destination without outlier detection is not looked at further; nothing is allocated.
   */
  public void tried(String host, String subset, Instance instance, int status) {
    tried(host, subset, 0, instance, status);
  }

  /** {@link #tried(String, String, Instance, int)} for the destination's state at {@code port} (see {@link #destination(String, String, int)}). */
  public void tried(String host, String subset, int port, Instance instance, int status) {
    DestinationOutliers d = destination(host, subset, port);
    if (d != null) {
      d.tried(instance, status);
    }
  }

  private void tell(Ejection ejection) {
    try {
      listener.accept(ejection);
    } catch (RuntimeException e) {
      // Reporting must never be the thing that fails a request.
    }
  }
}
