package io.inboard.core.lb;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), as Envoy's {@code MAGLEV}: each endpoint
 * fills the lookup table following its own permutation of the slots, in turns, so every endpoint
 * owns nearly the same number of slots and a change of one endpoint disturbs few of the others'.
 */
public final class Maglev implements ConsistentHashTable {
  public static final int DEFAULT_TABLE_SIZE = 65537;

  private final int[] table;
  private final int endpointCount;

  private Maglev(int[] table, int endpointCount) {
    this.table = table;
    this.endpointCount = endpointCount;
  }

  /**
   * The table size to build for {@code endpoints} endpoints when {@code configured} (a prime) is
   * asked for: {@code configured}, or the smallest prime at or above the number of endpoints when
   * that is larger, so every endpoint owns at least one slot. The size must stay prime: with any
   * other size an endpoint's skip can share a factor with it, and its probe would never reach
   * some free slots.
   */
  public static long tableSizeFor(long configured, int endpoints) {
    long size = Math.max(configured, endpoints);
    while (!isPrime(size)) {
      size++;
    }
    return size;
  }

  /** Trial division: table sizes are at most a few million, so this is cheap. */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Builds the lookup table.
   *
   * @param tableSize a prime, at least the number of endpoints (see {@link #tableSizeFor})
   * @throws IllegalArgumentException if {@code tableSize} is not such a prime: the filling loop
   *     below ends only when every endpoint's permutation covers the whole table, which a prime
   *     size guarantees (every skip in 1..size-1 is coprime with it), as in Envoy
   */
  public static Maglev build(List<String> endpointKeys, long tableSize) {
    int n = endpointKeys.size();
    if (n == 0) {
      return new Maglev(new int[0], 0);
    }
    if (tableSize < n || tableSize > Integer.MAX_VALUE || !isPrime(tableSize)) {
      throw new IllegalArgumentException(
          "maglev tableSize " + tableSize + " must be a prime of at least the number of instances (" + n + ")");
    }
    int m = (int) tableSize;
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    for (int e = 0; e < n; e++) {
      String key = endpointKeys.get(e);
      offset[e] = Long.remainderUnsigned(XxHash64.hash(key, 0), m);
      skip[e] = Long.remainderUnsigned(XxHash64.hash(key, 1), m - 1) + 1;
    }
    int[] table = new int[m];
    Arrays.fill(table, -1);
    int filled = 0;
    while (true) {
      for (int e = 0; e < n; e++) {
        int slot = (int) ((offset[e] + skip[e] * next[e]) % m);
        while (table[slot] >= 0) {
          next[e]++;
          slot = (int) ((offset[e] + skip[e] * next[e]) % m);
        }
        table[slot] = e;
        next[e]++;
        if (++filled == m) {
          return new Maglev(table, n);
        }
      }
    }
  }

  @Override
  public int pick(long keyHash) {
    if (table.length == 0) {
      return -1;
    }
    return table[(int) Long.remainderUnsigned(keyHash, table.length)];
  }

  /**
   * Walks the table on from the key's slot. Envoy builds a new table without the unusable
   * endpoints instead; the walk moves the same keys (only the unusable endpoints'), and since
   * neighbouring slots belong to endpoints in no particular order they still spread over the
   * others, without a table being rebuilt while an instance is held out.
   */
  @Override
  public int pick(long keyHash, IntPredicate usable) {
    return pick(keyHash, 0, usable);
  }

  /**
   * As Envoy's Maglev: the slot of the hash XOR-ed with {@code -attempt}, a value with most bits
   * set, so that successive attempts land far apart rather than on one neighbour.
   */
  @Override
  public int pick(long keyHash, int attempt) {
    return pick(attempted(keyHash, attempt));
  }

  @Override
  public int pick(long keyHash, int attempt, IntPredicate usable) {
    if (table.length == 0) {
      return -1;
    }
    int slot = (int) Long.remainderUnsigned(attempted(keyHash, attempt), table.length);
    for (int step = 0; step < table.length; step++) {
      int owner = table[(slot + step) % table.length];
      if (usable.test(owner)) {
        return owner;
      }
    }
    return -1;
  }

  private static long attempted(long keyHash, int attempt) {
    return attempt == 0 ? keyHash : keyHash ^ -(long) attempt;
  }

  @Override
  public int endpointCount() {
    return endpointCount;
  }

  public int tableSize() {
    return table.length;
  }
}
