package io.inboard.core.model;

/**
 * Istio's {@code LoadBalancerSettings} one-of: a {@link Simple} policy or a {@link ConsistentHash}.
 */
public sealed interface LoadBalancerSettings {

  /** The {@code localityLbSetting} given with the policy, or {@code null} (Istio's default then applies). */
  LocalityLbSetting locality();

  /** The default when a DestinationRule sets no balancer, as in Istio. */
  LoadBalancerSettings DEFAULT = new Simple(SimpleLB.LEAST_REQUEST);

  /** The {@code simple} policies. {@code LEAST_CONN} (deprecated in Istio) parses as LEAST_REQUEST. */
  enum SimpleLB {
    ROUND_ROBIN,
    RANDOM,
    /** Two random choices; the one with fewer requests in flight wins. */
    LEAST_REQUEST,
    /** Forward to the address the caller asked for, without balancing. */
    PASSTHROUGH
  }

  /**
   * A {@code simple} policy; {@code warmup} (Envoy's slow start) or {@code null}, kept only for
   * {@code ROUND_ROBIN} and {@code LEAST_REQUEST}, the balancers Envoy slow-starts;
   * {@code locality} the {@code localityLbSetting} or {@code null}.
   */
  record Simple(SimpleLB policy, Warmup warmup, LocalityLbSetting locality) implements LoadBalancerSettings {
    public Simple {
      warmup = policy == SimpleLB.ROUND_ROBIN || policy == SimpleLB.LEAST_REQUEST ? warmup : null;
    }

    public Simple(SimpleLB policy, Warmup warmup) {
      this(policy, warmup, null);
    }

    public Simple(SimpleLB policy) {
      this(policy, null, null);
    }
  }

  /**
   * Hash {@code key} to pick an instance with {@code algorithm} (never {@code null}); {@code locality}
   * the {@code localityLbSetting} or {@code null}.
   */
  record ConsistentHash(HashKey key, HashAlgorithm algorithm, LocalityLbSetting locality)
      implements LoadBalancerSettings {
    public ConsistentHash {
      algorithm = algorithm == null ? new HashAlgorithm.RingHash(HashAlgorithm.DEFAULT_RING_SIZE) : algorithm;
    }

    public ConsistentHash(HashKey key, HashAlgorithm algorithm) {
      this(key, algorithm, null);
    }
  }
}
