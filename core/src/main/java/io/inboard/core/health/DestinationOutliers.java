package io.inboard.core.health;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.OutlierDetection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Outlier detection for one destination (a host, or one subset of it: what Envoy calls a cluster)
 * as one caller sees it: each try's outcome is {@linkplain #tried reported} here, an instance that
 * fails too often in a row is ejected, and the router {@linkplain #available leaves ejected
 * instances out} until their time is up. Lives across snapshots (see {@link OutlierDetector}), so
 * ejections survive a rules change.
 *
 * <p>The rules are Envoy's: any 5xx answer counts towards {@code consecutive5xxErrors}; 502, 503
 * and 504 also towards {@code consecutiveGatewayErrors} (another 5xx resets that count); a try that
 * got no answer at all (refused, reset, timed out) counts as both, unless the policy sets
 * {@code splitExternalLocalOriginErrors}: then it counts towards {@code
 * consecutiveLocalOriginFailures} only, and any answer resets that count (the connection worked).
 * Any answer below 500 resets every count. An instance whose count
 * reaches its threshold is ejected for {@code baseEjectionTime} times its ejection multiplier
 * (raised by each ejection, lowered by one for each {@code interval} back in service, the time
 * capped at {@link OutlierDetection#maxEjectionTime()}), unless that would eject more than
 * {@code maxEjectionPercent} of the instances; the first ejection is always allowed.
 *
 * <p>A success with no failures to forget takes no lock; so does a pick while nothing is ejected.
 */
public final class DestinationOutliers {
  private final String host;
  private final String subset;
  /** The port a {@code portLevelSettings} entry gives its own detection, else 0. */
  private final int port;
  private final LongSupplier clock;
  private final Consumer<Ejection> listener;
  private volatile OutlierDetection policy;
  /** By instance id; replaced whole when the instances change. */
  private volatile Map<String, InstanceMonitor> monitors = Map.of();
  /** Instances ejected, some perhaps already due back (see {@link #nextReturnNanos}). */
  private volatile int ejected;
  private volatile long nextReturnNanos;

  DestinationOutliers(String host, String subset, LongSupplier clock, Consumer<Ejection> listener) {
    this(host, subset, 0, clock, listener);
  }

  DestinationOutliers(String host, String subset, int port, LongSupplier clock, Consumer<Ejection> listener) {
    this.host = host;
    this.subset = subset;
    this.port = port;
    this.clock = clock;
    this.listener = listener;
  }

  public String host() {
    return host;
  }

  /** {@code null} for the host's instances as a whole. */
  public String subset() {
    return subset;
  }

  /**
   * Takes the policy and instances of a new snapshot: instances that stay (same id, address and
   * port) keep their counts and ejections; new ones start clean; vanished ones are forgotten.
   */
  synchronized void update(OutlierDetection policy, List<Instance> instances) {
    Map<String, InstanceMonitor> old = monitors;
    Map<String, InstanceMonitor> next = new HashMap<>();
    for (Instance i : instances) {
      InstanceMonitor m = old.get(i.id());
      next.put(i.id(), m != null && m.watches(i) ? m : new InstanceMonitor(i));
    }
    this.policy = policy;
    this.monitors = Map.copyOf(next);
    recount();
  }

  /**
   * Reports how one try sent to {@code instance} ended: the instance's status, or 0 when it gave
   * none (connection refused or reset, timed out). Instances not of this destination are ignored.
   */
  public void tried(Instance instance, int status) {
    if (instance == null) {
      return;
    }
    InstanceMonitor m = monitors.get(instance.id());
    if (m == null || !m.watches(instance)) {
      return;
    }
    if (status > 0 && status < 500) {
      if (m.failing()) {
        synchronized (this) {
          m.resetCounters();
        }
      }
      return;
    }
    Ejection ejection = status == 0 && policy.splitExternalLocalOriginErrors()
        ? failedLocally(instance, m)
        : failed(instance, m, status == 0 || status == 502 || status == 503 || status == 504);
    if (ejection != null) {
      listener.accept(ejection);
    }
  }

  /** As Envoy: failures of an ejected instance (tries already under way) change nothing. */
  private boolean stillEjected(InstanceMonitor m) {
    if (m.ejected) {
      bringBack(clock.getAsLong());
    }
    return m.ejected;
  }

  private synchronized Ejection failed(Instance instance, InstanceMonitor m, boolean gatewayError) {
    if (stillEjected(m)) {
      return null;
    }
    OutlierDetection p = policy;
    // Counted only under the split, where a failure that comes here is an answer: the connection worked.
    m.consecutiveLocalOrigin = 0;
    int fives = ++m.consecutive5xx;
    int gateways = gatewayError ? ++m.consecutiveGateway : 0;
    m.consecutiveGateway = gateways;
    boolean gatewayHit = p.consecutiveGatewayErrors() > 0 && gateways >= p.consecutiveGatewayErrors();
    boolean fivesHit = p.consecutive5xxErrors() > 0 && fives >= p.consecutive5xxErrors();
    if (!gatewayHit && !fivesHit) {
      return null;
    }
    // As Envoy: the counts that reached their threshold start again, ejected or not (a refusal by
    // maxEjectionPercent is tried again after as many failures).
    if (gatewayHit) {
      m.consecutiveGateway = 0;
    }
    if (fivesHit) {
      m.consecutive5xx = 0;
    }
    return eject(instance, m, gatewayHit ? Ejection.CONSECUTIVE_GATEWAY_ERRORS : Ejection.CONSECUTIVE_5XX);
  }

  /** A try without an answer under {@code splitExternalLocalOriginErrors}: Envoy's local-origin count. */
  private synchronized Ejection failedLocally(Instance instance, InstanceMonitor m) {
    if (stillEjected(m)) {
      return null;
    }
    int threshold = policy.consecutiveLocalOriginFailures();
    int failures = ++m.consecutiveLocalOrigin;
    if (threshold <= 0 || failures < threshold) {
      return null;
    }
    m.consecutiveLocalOrigin = 0;
    return eject(instance, m, Ejection.CONSECUTIVE_LOCAL_ORIGIN_FAILURES);
  }

  private Ejection eject(Instance instance, InstanceMonitor m, String cause) {
    long now = clock.getAsLong();
    bringBack(now);
    OutlierDetection p = policy;
    int n = monitors.size();
    if (!EjectionBudget.allows(ejected, n, p.maxEjectionPercent())) {
      return null;
    }
    long base = p.baseEjectionTime().toNanos();
    long max = p.maxEjectionTime().toNanos();
    long multiplier = m.decayedMultiplier(now, p.interval().toNanos());
    // Envoy's rule: the multiplier grows while base * multiplier is below max + base, so the time
    // reaches the cap and stays there without the multiplier growing for ever.
    if (multiplier * (double) base < (double) max + base) {
      multiplier++;
    }
    m.multiplier = multiplier;
    long duration = (long) Math.min((double) base * multiplier, max);
    m.ejected = true;
    m.returnAtNanos = now + duration;
    m.resetCounters();
    int count = ejected + 1;
    nextReturnNanos = count == 1 ? m.returnAtNanos : Math.min(nextReturnNanos, m.returnAtNanos);
    ejected = count;
    return new Ejection(host, subset, port, instance, java.time.Duration.ofNanos(duration), cause, count, n);
  }

  /** Whether any instance may be ejected: one volatile read, false nearly always. */
  public boolean anyEjected() {
    return ejected > 0;
  }

  /** Whether {@code instance} is ejected now (one whose time is up is brought back first). */
  public boolean isEjected(Instance instance) {
    if (ejected == 0) {
      return false;
    }
    bringBackIfDue();
    InstanceMonitor m = monitors.get(instance.id());
    return m != null && m.ejected && m.watches(instance);
  }

  /**
   * The instances of {@code endpoints} that are not ejected now, in their order: {@code endpoints}
   * itself when none is; an empty list when all are (the caller then picks among all: panic).
   */
  public List<Instance> available(List<Instance> endpoints) {
    if (ejected == 0) {
      return endpoints;
    }
    bringBackIfDue();
    if (ejected == 0) {
      return endpoints;
    }
    Map<String, InstanceMonitor> current = monitors;
    List<Instance> out = new ArrayList<>(endpoints.size());
    for (Instance i : endpoints) {
      InstanceMonitor m = current.get(i.id());
      if (m == null || !m.ejected || !m.watches(i)) {
        out.add(i);
      }
    }
    return out.size() == endpoints.size() ? endpoints : out;
  }

  /** How many instances are ejected now. */
  public int ejectedCount() {
    if (ejected > 0) {
      bringBackIfDue();
    }
    return ejected;
  }

  private void bringBackIfDue() {
    long now = clock.getAsLong();
    if (now - nextReturnNanos >= 0) {
      synchronized (this) {
        bringBack(now);
      }
    }
  }

  /**
   * Brings back every instance whose ejection time is up, as Envoy's interval sweep does; here at
   * the first look after the time has passed rather than at the next sweep (up to one interval
   * sooner). Its counts start again, so that a few failures do not eject it at once.
   */
  private void bringBack(long now) {
    if (ejected == 0 || now - nextReturnNanos < 0) {
      return;
    }
    for (InstanceMonitor m : monitors.values()) {
      if (m.ejected && now - m.returnAtNanos >= 0) {
        m.ejected = false;
        m.returnedAtNanos = m.returnAtNanos;
        m.everReturned = true;
        m.resetCounters();
      }
    }
    recount();
  }

  /** Recomputes the ejected count and the next return time from the monitors. */
  private void recount() {
    int count = 0;
    long next = 0;
    for (InstanceMonitor m : monitors.values()) {
      if (m.ejected) {
        next = count == 0 ? m.returnAtNanos : Math.min(next, m.returnAtNanos);
        count++;
      }
    }
    nextReturnNanos = next;
    ejected = count;
  }

  /** The nanoTime at which {@code instance} comes back, or -1 when it is not ejected. */
  public long returnsAtNanos(Instance instance) {
    InstanceMonitor m = monitors.get(instance.id());
    return m != null && m.ejected && m.watches(instance) ? m.returnAtNanos : -1;
  }

  /** The clock the ejection times are on (nanoseconds, as {@link System#nanoTime()}). */
  public long now() {
    return clock.getAsLong();
  }
}
