package io.inboard.core.lb;

/**
 * A table that maps a 64-bit key hash to one of a fixed list of endpoints so that adding or
 * removing one of N endpoints moves only about 1/N of the keys. Built once per snapshot; immutable.
 */
public sealed interface ConsistentHashTable permits RingHash, Maglev {
  /** The index (into the endpoint list the table was built from) that owns {@code keyHash}. */
  int pick(long keyHash);

  /** How many endpoints the table was built over. */
  int endpointCount();
}
