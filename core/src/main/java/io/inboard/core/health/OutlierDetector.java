package io.inboard.core.health;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The outlier detection of one caller (an agent, a gateway): the {@link DestinationOutliers} of
 * every destination whose DestinationRule sets {@code outlierDetection}, kept across snapshots. As
 * with Envoy, each caller counts only its own tries and ejects only for itself.
 *
 * <p>Its owner creates it with the first snapshot that uses outlier detection, and calls
 * {@link #apply} with each snapshot before routing by it; while no rule sets
 * {@code outlierDetection} there is no detector and nothing on the request path asks for one.
 */
public final class OutlierDetector {
  private final LongSupplier clock;
  private final Consumer<Ejection> listener;
  private final ConcurrentHashMap<String, DestinationOutliers> destinations = new ConcurrentHashMap<>();

  /**
   * @param clock nanoseconds, as {@link System#nanoTime()} (tests pass a clock of their own)
   * @param listener told of each ejection (log, metrics), on the thread that reported the failure;
   *     it must not throw or block
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
    Set<String> keys = new HashSet<>();
    for (TrackedDestination t : tracked) {
      keys.add(t.key());
      destinations
          .computeIfAbsent(t.key(), k -> new DestinationOutliers(t.host(), t.subset(), clock, this::tell))
          .update(t.policy(), t.instances());
    }
    destinations.keySet().retainAll(keys);
  }

  /** The state of a destination applied last, or {@code null} when it is not tracked. */
  public DestinationOutliers destination(String host, String subset) {
    return destinations.get(TrackedDestination.key(host, subset));
  }

  private void tell(Ejection ejection) {
    try {
      listener.accept(ejection);
    } catch (RuntimeException e) {
      // Reporting must never be the thing that fails a request.
    }
  }
}
