package io.inboard.agent.runtime;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.InFlight;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Outbound requests in flight per instance id, counted by the outbound hooks around each routed
 * call, read by the {@code LEAST_REQUEST} balancer.
 */
public final class OutboundInFlight implements InFlight {
  private static final int SLOTS = 64; // a power of two

  /** An instance of the snapshot in force and its counter, found again by identity. */
  private record Seen(Instance instance, AtomicInteger count) {}

  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  /**
   * The router hands out the same {@link Instance} objects call after call (until a new snapshot),
   * so a small table checked by identity finds the counter without hashing the id in the map, twice
   * per call; a miss falls back to the map, which stays the one place a count lives.
   */
  private final AtomicReferenceArray<Seen> seen = new AtomicReferenceArray<>(SLOTS);

  /** A routed call to {@code instance} starts; pair with {@link #finished}. */
  public void started(Instance instance) {
    counter(instance).incrementAndGet();
  }

  public void finished(Instance instance) {
    counter(instance).updateAndGet(n -> n > 0 ? n - 1 : 0);
  }

  private AtomicInteger counter(Instance instance) {
    int slot = System.identityHashCode(instance) & (SLOTS - 1);
    Seen s = seen.get(slot);
    if (s != null && s.instance() == instance) {
      return s.count();
    }
    AtomicInteger count = counts.computeIfAbsent(instance.id(), id -> new AtomicInteger());
    seen.set(slot, new Seen(instance, count));
    return count;
  }

  @Override
  public int inFlight(String instanceId) {
    AtomicInteger count = counts.get(instanceId);
    return count == null ? 0 : count.get();
  }
}
