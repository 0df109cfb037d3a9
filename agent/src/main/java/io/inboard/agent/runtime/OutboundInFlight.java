package io.inboard.agent.runtime;

import io.inboard.core.route.InFlight;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Outbound requests in flight per instance id, counted by the outbound hooks around each routed
 * call, read by the {@code LEAST_REQUEST} balancer.
 */
public final class OutboundInFlight implements InFlight {
  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** A routed call to {@code instanceId} starts; pair with {@link #finished}. */
  public void started(String instanceId) {
    counts.computeIfAbsent(instanceId, id -> new AtomicInteger()).incrementAndGet();
  }

  public void finished(String instanceId) {
    AtomicInteger count = counts.get(instanceId);
    if (count != null) {
      count.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }
  }

  @Override
  public int inFlight(String instanceId) {
    AtomicInteger count = counts.get(instanceId);
    return count == null ? 0 : count.get();
  }
}
