package io.inboard.core.model;

/** How consistent-hash keys map to instances: {@link RingHash} (the default) or {@link Maglev}. */
public sealed interface HashAlgorithm {
  long DEFAULT_RING_SIZE = 1024;
  long DEFAULT_MAGLEV_TABLE_SIZE = 65537;

  record RingHash(long minimumRingSize) implements HashAlgorithm {}

  /** @param tableSize a prime number */
  record Maglev(long tableSize) implements HashAlgorithm {}
}
