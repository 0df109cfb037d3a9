package io.inboard.core.route;

/**
 * Requests currently in flight per instance, supplied by whoever sends the requests; read by the
 * {@code LEAST_REQUEST} balancer (two random choices, the one with fewer in flight wins).
 */
@FunctionalInterface
public interface InFlight {
  InFlight NONE = instanceId -> 0;

  int inFlight(String instanceId);
}
