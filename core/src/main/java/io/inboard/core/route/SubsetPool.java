package io.inboard.core.route;

import io.inboard.core.health.TrackedDestination;
import io.inboard.core.lb.ConsistentHashTable;
import io.inboard.core.lb.Maglev;
import io.inboard.core.lb.RingHash;
import io.inboard.core.lb.SimpleBalancer;
import io.inboard.core.lb.WarmingDestination;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.breaker.LimitedDestination;
import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.HashAlgorithm;
import io.inboard.core.model.HashKey;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.LocalityLbSetting;
import io.inboard.core.model.OutlierDetection;
import io.inboard.core.model.TrafficPolicy;
import io.inboard.core.model.Warmup;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instances of one host (or one subset of it) and the balancer in force for them, with any
 * consistent-hash table built once per snapshot. One object per (host, subset), shared by every
 * rule that sends there, so round-robin turns are shared too; and when the DestinationRule's
 * {@code portLevelSettings} name ports, one more per (host, subset, port), reached through
 * {@link #forPort}.
 */
final class SubsetPool {
  final String host;
  /** {@code null}: every instance of the host. */
  final String subset;
  /** The port whose port-level settings this pool's policy takes; 0 for the pool of every other port. */
  final int port;
  /**
   * The pools of the ports the DestinationRule's {@code portLevelSettings} name for this
   * destination, in the order of {@link #ports}; {@code null} when there are none (the usual case:
   * the router checks this and nothing else).
   */
  SubsetPool[] portPools;
  int[] ports;
  final List<Instance> endpoints;
  /** Set for simple balancers, {@code null} for consistent hashing. */
  final SimpleBalancer simple;
  /** Set for consistent hashing, with its table. */
  final HashKey hashKey;
  final ConsistentHashTable table;
  /** E.g. {@code LEAST_REQUEST}, {@code ring hash}. */
  final String balancerName;
  final AtomicInteger cursor = new AtomicInteger();
  /** Why there is no instance to send to, for the 503 decision; {@code null} if there are some. */
  final String emptyReason;
  /** The DestinationRule's {@code outlierDetection} for these instances, or {@code null}. */
  final OutlierDetection outlierDetection;
  /**
   * This pool's place among the snapshot's pools with outlier detection (the router's index into
   * its ejection state), or -1 when the pool has none: the one check on the request path.
   */
  int outlierSlot = -1;
  /**
   * The balancer's {@code warmup} (slow start), only for {@code ROUND_ROBIN} and
   * {@code LEAST_REQUEST} with instances to pick; else {@code null}.
   */
  final Warmup warmup;
  /**
   * This pool's place among the snapshot's pools with a warm-up (the router's index into its
   * arrivals), or -1 when the pool has none.
   */
  int warmSlot = -1;
  /**
   * The DestinationRule's {@code connectionPool} for these instances when it applies anything, else
   * {@code null}; the router does not read it, the caller keeps the limits ({@code CircuitBreakers}).
   */
  final ConnectionPoolSettings connectionPool;
  /**
   * The TLS the caller opens to these instances ({@code tls} with {@code SIMPLE} or {@code MUTUAL}), else
   * {@code null}; set once when the table is compiled. The router does not read it: the gateway does.
   */
  TlsDestination tls;
  /** The balancer's {@code localityLbSetting} as given, or {@code null} (Istio's default applies). */
  final LocalityLbSetting localitySetting;
  /**
   * The instances grouped by the caller's locality preference, or {@code null} when it changes
   * nothing (the usual case: the router checks this and nothing else); set once when the table is compiled.
   */
  LocalityLoadBalancer locality;
  /** Explain's line on a {@code localityLbSetting} that changes nothing here, or {@code null}. */
  String localityNote;

  SubsetPool(String host, String subset, List<Instance> endpoints, LoadBalancerSettings lb, String undefinedReason,
      OutlierDetection outlierDetection) {
    this(host, subset, endpoints, lb, undefinedReason, outlierDetection, null);
  }

  SubsetPool(String host, String subset, List<Instance> endpoints, LoadBalancerSettings lb, String undefinedReason,
      OutlierDetection outlierDetection, ConnectionPoolSettings connectionPool) {
    this(host, subset, 0, endpoints, lb, undefinedReason, outlierDetection, connectionPool);
  }

  SubsetPool(String host, String subset, int port, List<Instance> endpoints, LoadBalancerSettings lb,
      String undefinedReason, OutlierDetection outlierDetection, ConnectionPoolSettings connectionPool) {
    this.host = host;
    this.subset = subset;
    this.port = port;
    this.endpoints = List.copyOf(endpoints);
    this.localitySetting = lb == null ? null : lb.locality();
    Warmup warmupGiven = null;
    if (lb instanceof LoadBalancerSettings.ConsistentHash ch) {
      simple = null;
      hashKey = ch.key();
      List<String> keys = this.endpoints.stream().map(Instance::id).toList();
      if (ch.algorithm() instanceof HashAlgorithm.Maglev m) {
        // A configured size below the instance count grows to the next prime, not to the count:
        // Maglev needs a prime size (a size like 10 or 12 would never finish filling).
        table = Maglev.build(keys, Maglev.tableSizeFor(m.tableSize(), this.endpoints.size()));
        balancerName = "maglev";
      } else {
        long ring = ((HashAlgorithm.RingHash) ch.algorithm()).minimumRingSize();
        table = RingHash.build(keys, ring > 0 ? ring : RingHash.DEFAULT_MINIMUM_RING_SIZE);
        balancerName = "ring hash";
      }
    } else {
      LoadBalancerSettings.Simple s =
          lb instanceof LoadBalancerSettings.Simple given ? given : (LoadBalancerSettings.Simple) LoadBalancerSettings.DEFAULT;
      simple = SimpleBalancer.valueOf(s.policy().name());
      warmupGiven = s.warmup();
      hashKey = null;
      table = null;
      balancerName = simple.name();
    }
    if (undefinedReason != null) {
      emptyReason = undefinedReason;
    } else if (this.endpoints.isEmpty()) {
      emptyReason = subset == null
          ? "no instance of " + host
          : "no instance of " + host + " in subset " + subset;
    } else {
      emptyReason = null;
    }
    this.warmup = emptyReason != null ? null : warmupGiven;
    // Nothing to eject without instances to pick, or under PASSTHROUGH (no instance is picked).
    this.outlierDetection =
        emptyReason != null || simple == SimpleBalancer.PASSTHROUGH ? null : outlierDetection;
    // A destination without instances is answered 503 before anything is sent.
    this.connectionPool = emptyReason != null || connectionPool == null || !connectionPool.appliesAnything()
        ? null : connectionPool;
  }

  /** Groups the instances by {@code caller}'s locality preference ({@link LocalityLoadBalancer}); once, at compile time. */
  void preferLocalityOf(Workload caller) {
    if (emptyReason != null || simple == SimpleBalancer.PASSTHROUGH) {
      return;
    }
    boolean detects = outlierDetection != null;
    locality = LocalityGroups.compile(localitySetting, detects, endpoints, caller);
    localityNote = locality != null ? null
        : LocalityGroups.inactiveReason(localitySetting, detects, endpoints, caller);
  }

  /** The pool for traffic to {@code port}: its port-level pool when there is one, else this one. */
  SubsetPool forPort(int port) {
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] == port) {
        return portPools[i];
      }
    }
    return this;
  }

  /** The destination as the circuit breakers keep it; only for a pool with a {@code connectionPool}. */
  LimitedDestination limited() {
    return new LimitedDestination(host, subset, port, connectionPool);
  }

  /** The destination as outlier detection tracks it; only for a pool with {@code outlierDetection}. */
  TrackedDestination tracked() {
    return new TrackedDestination(host, subset, port, outlierDetection, endpoints);
  }

  /** The destination as slow start keeps it; only for a pool with a {@code warmup}. */
  WarmingDestination warming() {
    return new WarmingDestination(host, subset, port, warmup, endpoints);
  }

  /** Sets the TLS the policy in force gives these instances, when it originates any and there are instances. */
  void originate(TrafficPolicy policy, String rule) {
    ClientTLSSettings given = policy.tls();
    if (given != null && given.originates() && emptyReason == null) {
      tls = new TlsDestination(host, subset, port, rule, given);
    }
  }

  String label() {
    String label = subset == null ? host : host + " subset " + subset;
    return port == 0 ? label : label + " (port " + port + ")";
  }
}
