package io.inboard.core.health;

import io.inboard.core.mesh.Instance;

/**
 * What one caller has seen of one instance of one destination: its consecutive failures, whether it
 * is ejected and until when, and how many ejections its next one counts as (Envoy's ejection time
 * multiplier). Guarded by the owning {@link DestinationOutliers}; the failure counts are volatile so
 * that a success can see, without the lock, that there is nothing to reset.
 */
final class InstanceMonitor {
  final String address;
  final int port;
  volatile int consecutive5xx;
  volatile int consecutiveGateway;
  /** Tries in a row without an answer; counted only under {@code splitExternalLocalOriginErrors}. */
  volatile int consecutiveLocalOrigin;
  volatile boolean ejected;
  long returnAtNanos;
  /** When it last came back into service; meaningful only once it has been ejected. */
  long returnedAtNanos;
  boolean everReturned;
  /** Envoy's {@code ejectTimeBackoff}: the multiplier of the last ejection, decaying while healthy. */
  long multiplier;

  InstanceMonitor(Instance instance) {
    this.address = instance.address();
    this.port = instance.port();
  }

  /** Whether {@code instance} is the endpoint this monitor watches (same id is checked by the caller). */
  boolean watches(Instance instance) {
    return port == instance.port() && address.equals(instance.address());
  }

  boolean failing() {
    return consecutive5xx != 0 || consecutiveGateway != 0 || consecutiveLocalOrigin != 0;
  }

  void resetCounters() {
    consecutive5xx = 0;
    consecutiveGateway = 0;
    consecutiveLocalOrigin = 0;
  }

  /**
   * The multiplier as Envoy's interval sweep would have left it by {@code now}: one less for every
   * whole {@code intervalNanos} the instance has been back in service, never below zero.
   */
  long decayedMultiplier(long now, long intervalNanos) {
    if (!everReturned || multiplier == 0) {
      return multiplier;
    }
    long sweeps = (now - returnedAtNanos) / Math.max(1, intervalNanos);
    return Math.max(0, multiplier - sweeps);
  }
}
