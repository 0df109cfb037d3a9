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

  /** How many endpoints the table was built over. */
  int endpointCount();
}
