package io.inboard.gateway;

import io.inboard.core.route.InFlight;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests the gateway has in flight per instance, for the router's {@code LEAST_REQUEST}
 * balancer. Lives as long as the gateway, across snapshots, so a rules change keeps the counts.
 */
final class InFlightCounts implements InFlight {
  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @Override
  public int inFlight(String instanceId) {
    AtomicInteger count = counts.get(instanceId);
    return count == null ? 0 : count.get();
  }

  void begin(String instanceId) {
    counts.computeIfAbsent(instanceId, id -> new AtomicInteger()).incrementAndGet();
  }

  void end(String instanceId) {
    AtomicInteger count = counts.get(instanceId);
    if (count != null) {
      count.decrementAndGet();
    }
  }
}
