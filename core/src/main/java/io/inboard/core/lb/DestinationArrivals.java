package io.inboard.core.lb;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.Warmup;
import io.inboard.core.route.InFlight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * When one caller first saw each instance of one destination, and the weight that gives each
 * under the destination's {@link Warmup} (Envoy's slow start). Lives across snapshots (see
 * {@link SlowStart}); read without locks on the request path, where nothing is allocated.
 */
public final class DestinationArrivals {
  /**
   * How many picks a warming pick makes at most before it keeps the last one. Each pick is kept
   * with a probability of at least the smallest weight over the largest (0.1 with Envoy's default
   * minimum), so running out is rare and only favours an instance slightly.
   */
  private static final int MAX_PICKS = 64;

  /** @param initial present when the destination was first seen: never warmed up, as in Envoy */
  private record Arrival(String address, int port, long seenAtNanos, boolean initial) {
    boolean is(Instance i) {
      return port == i.port() && address.equals(i.address());
    }
  }

  private final LongSupplier clock;
  private volatile Warmup warmup;
  /** By instance id; replaced whole when the instances change. */
  private volatile Map<String, Arrival> arrivals = Map.of();
  /** When the last instance to arrive is fully warm; no instance warms from then on. */
  private volatile long warmUntilNanos;

  DestinationArrivals(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Takes a snapshot's warm-up and instances: one seen before (same id, address and port) keeps
   * its arrival; a new one arrives {@code now}, or counts as there from the start when
   * {@code initial}; vanished ones are forgotten, so one that comes back warms up again.
   */
  synchronized void update(Warmup warmup, List<Instance> instances, long now, boolean initial) {
    Map<String, Arrival> old = arrivals;
    Map<String, Arrival> next = new HashMap<>();
    long until = now;
    long window = warmup.duration().toNanos();
    for (Instance i : instances) {
      Arrival a = old.get(i.id());
      if (a == null || !a.is(i)) {
        a = new Arrival(i.address(), i.port(), now, initial);
      }
      next.put(i.id(), a);
      if (!a.initial && a.seenAtNanos + window - until > 0) {
        until = a.seenAtNanos + window;
      }
    }
    this.warmup = warmup;
    this.arrivals = Map.copyOf(next);
    this.warmUntilNanos = until;
  }

  /** The clock arrivals are on (nanoseconds, as {@link System#nanoTime()}). */
  public long now() {
    return clock.getAsLong();
  }

  /** Whether any instance is still warming up at {@code now}. */
  public boolean anyWarming(long now) {
    return now - warmUntilNanos < 0;
  }

  /** The share of its weight {@code instance} gets at {@code now}: 1 unless it is warming up. */
  public double factor(Instance instance, long now) {
    Arrival a = arrivals.get(instance.id());
    if (a == null || a.initial || !a.is(instance)) {
      return 1;
    }
    return warmup.factor(now - a.seenAtNanos);
  }

  /** How long {@code instance} has been warming up at {@code now}, or -1 when it is not warming. */
  public long warmingNanos(Instance instance, long now) {
    Arrival a = arrivals.get(instance.id());
    if (a == null || a.initial || !a.is(instance) || now - a.seenAtNanos >= warmup.duration().toNanos()) {
      return -1;
    }
    return now - a.seenAtNanos;
  }

  public Warmup warmup() {
    return warmup;
  }

  /**
   * Picks among {@code candidates} with {@code balancer}, each instance's share scaled by its
   * warm-up {@link #factor}: a pick is kept with the probability of its factor over the largest
   * one, else the balancer picks again (round robin moves on to the next instance, least request
   * draws two more). So while nothing is in flight the shares follow the weights as Envoy's
   * weighted pick makes them, and round robin reaches an instance of full weight within one turn.
   * Without an instance warming it is the balancer's own pick.
   */
  public int pick(SimpleBalancer balancer, List<Instance> candidates, RandomGenerator random, InFlight inFlight,
      AtomicInteger cursor) {
    long now = clock.getAsLong();
    if (!anyWarming(now)) {
      return balancer.pick(candidates, random, inFlight, cursor);
    }
    double largest = 0;
    for (int i = 0; i < candidates.size(); i++) {
      largest = Math.max(largest, factor(candidates.get(i), now));
    }
    int limit = MAX_PICKS + candidates.size();
    int pick = -1;
    for (int n = 0; n < limit; n++) {
      pick = balancer.pick(candidates, random, inFlight, cursor);
      if (pick < 0) {
        return pick;
      }
      double f = factor(candidates.get(pick), now);
      if (f >= largest || random.nextDouble() * largest < f) {
        return pick;
      }
    }
    return pick;
  }
}
