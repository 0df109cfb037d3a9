package io.inboard.core.lb;

import java.util.function.IntPredicate;

/**
 * A table that maps a 64-bit key hash to one of a fixed list of endpoints so that adding or
 * removing one of N endpoints moves only about 1/N of the keys. Built once per snapshot; immutable.
 */
public sealed interface ConsistentHashTable permits RingHash, Maglev {
  /** The index (into the endpoint list the table was built from) that owns {@code keyHash}. */
  int pick(long keyHash);

  /**
   * The owner of {@code keyHash} among the endpoints that are {@code usable} (outlier detection
   * holds the others out): the usable owner found first walking on from the key's place, so keys
   * of usable endpoints stay where they are and only the others' keys move. -1 when none is usable.
   */
  int pick(long keyHash, IntPredicate usable);

  /**
   * The owner of {@code keyHash} on host-selection attempt {@code attempt} of a retry, as Envoy
   * picks when a retry host predicate (Istio's {@code previous_hosts}) refused the earlier picks:
   * attempt 0 is {@link #pick(long)}; a ring hash then takes the ring's next entries, a Maglev
   * table the slot of the hash mutated by the attempt. It may still be the same endpoint, as in
   * Envoy.
   */
  int pick(long keyHash, int attempt);

  /** {@link #pick(long, int)} among the {@code usable} endpoints, walking on as {@link #pick(long, IntPredicate)}. */
  int pick(long keyHash, int attempt, IntPredicate usable);

  /** How many endpoints the table was built over. */
  int endpointCount();
}
