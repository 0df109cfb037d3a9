package io.inboard.core.breaker;

import io.inboard.core.mesh.DestinationTable;
import java.util.List;
import java.util.function.Consumer;

/**
 * The circuit breakers of one caller (an agent, a gateway): the {@link DestinationLimits} of every
 * destination whose DestinationRule sets a {@code connectionPool}, kept across snapshots so that
 * the requests in flight stay counted through a rules change. As with Envoy, each caller counts
 * only its own requests.
 *
 * <p>Its owner creates it with the first snapshot that uses a connection pool, and calls
 * {@link #apply} with each snapshot before routing by it; while no rule sets
 * {@code connectionPool} there is none, and the request path checks only that.
 */
public final class CircuitBreakers {
  private final Consumer<Overflow> listener;
  /** Replaced whole by {@link #apply}. */
  private volatile DestinationTable<DestinationLimits> destinations = DestinationTable.empty();

  /**
   * @param listener told of each overflow (log, metrics), on the thread of the call turned away;
   *     it must not block, and what it throws is dropped
   */
  public CircuitBreakers(Consumer<Overflow> listener) {
    this.listener = listener;
  }

  /**
   * Makes a snapshot's limited destinations the tracked ones: a destination that stays keeps its
   * counts and takes the new limits; destinations no longer limited are dropped (the calls still
   * in flight to them end on the dropped object). Called by one thread at a time.
   */
  public synchronized void apply(List<LimitedDestination> limited) {
    DestinationTable.Builder<DestinationLimits> next = new DestinationTable.Builder<>();
    for (LimitedDestination l : limited) {
      DestinationLimits d = destination(l.host(), l.subset(), l.port());
      if (d == null) {
        d = new DestinationLimits(l.host(), l.subset(), l.port(), l.settings(), listener);
      } else {
        d.update(l.settings());
      }
      next.put(l.host(), l.subset(), l.port(), d);
    }
    destinations = next.build();
  }

  /**
   * The limits of a destination ({@code subset} {@code null}: the whole host), or {@code null} when
   * its rule sets none. Allocates nothing.
   */
  public DestinationLimits destination(String host, String subset) {
    return destinations.get(host, subset);
  }

  /**
   * The limits of a destination at {@code port}, the {@code policyPort} of the decision's target (0
   * when no port-level setting applies), or {@code null}. Allocates nothing.
   */
  public DestinationLimits destination(String host, String subset, int port) {
    return destinations.get(host, subset, port);
  }
}
