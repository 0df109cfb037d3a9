package io.inboard.core.lb;

import java.util.Arrays;
import java.util.List;

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
   * Builds the lookup table.
   *
   * @param tableSize a prime, larger than the number of endpoints (validation checks primality)
   */
  public static Maglev build(List<String> endpointKeys, long tableSize) {
    int n = endpointKeys.size();
    if (n == 0) {
      return new Maglev(new int[0], 0);
    }
    if (tableSize < n || tableSize > Integer.MAX_VALUE) {
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

  @Override
  public int endpointCount() {
    return endpointCount;
  }

  public int tableSize() {
    return table.length;
  }
}
