package io.inboard.core.lb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Ketama-style ring hash, as Envoy's {@code RING_HASH}: each endpoint is hashed onto a ring many
 * times ({@code "<endpoint>_<i>"}, xxHash64), the ring is sorted once, and a key belongs to the
 * first point at or after its hash (wrapping around). All endpoints weigh the same.
 */
public final class RingHash implements ConsistentHashTable {
  public static final int DEFAULT_MINIMUM_RING_SIZE = 1024;
  /** Envoy's upper bound; more points only cost memory. */
  static final int MAXIMUM_RING_SIZE = 8 * 1024 * 1024;

  // Point hashes, sorted as unsigned numbers, and the endpoint owning each point.
  private final long[] points;
  private final int[] owners;
  private final int endpointCount;

  private RingHash(long[] points, int[] owners, int endpointCount) {
    this.points = points;
    this.owners = owners;
    this.endpointCount = endpointCount;
  }

  /**
   * Builds the ring over endpoint keys (stable identities such as instance ids).
   *
   * @param minimumRingSize points per endpoint, so the ring has at least this many. Envoy
   *     divides the minimum among the endpoints instead; giving each endpoint a count that does not
   *     depend on how many there are means a new endpoint only takes keys, old ones never trade
   *     keys among themselves.
   */
  public static RingHash build(List<String> endpointKeys, long minimumRingSize) {
    int n = endpointKeys.size();
    if (n == 0) {
      return new RingHash(new long[0], new int[0], 0);
    }
    int perEndpoint = (int) Math.max(1, Math.min(minimumRingSize, MAXIMUM_RING_SIZE / n));
    int size = perEndpoint * n;
    // Flip the sign bit so that signed order equals unsigned order.
    long[] hashes = new long[size];
    for (int e = 0, k = 0; e < n; e++) {
      // The UTF-8 bytes of "<endpoint>_<i>" in one buffer per endpoint, only the digits rewritten,
      // rather than a new string per point (102,400 of them for 100 endpoints).
      byte[] prefix = (endpointKeys.get(e) + "_").getBytes(StandardCharsets.UTF_8);
      byte[] point = Arrays.copyOf(prefix, prefix.length + 10);
      for (int i = 0; i < perEndpoint; i++) {
        int length = prefix.length + writeDecimal(i, point, prefix.length);
        hashes[k++] = XxHash64.hash(point, 0, length, 0) ^ Long.MIN_VALUE;
      }
    }
    // Each endpoint's points sorted on their own, then the sorted runs merged pairwise with their
    // owners alongside: cheaper than sorting the whole ring and searching it again for each owner.
    int[] owners = new int[size];
    for (int e = 0; e < n; e++) {
      Arrays.sort(hashes, e * perEndpoint, (e + 1) * perEndpoint);
      Arrays.fill(owners, e * perEndpoint, (e + 1) * perEndpoint, e);
    }
    long[] points = hashes;
    long[] spareHashes = new long[size];
    int[] spareOwners = new int[size];
    for (int run = perEndpoint; run < size; run *= 2) {
      for (int from = 0; from < size; from += 2 * run) {
        merge(points, owners, spareHashes, spareOwners, from, Math.min(from + run, size), Math.min(from + 2 * run, size));
      }
      long[] h = points;
      points = spareHashes;
      spareHashes = h;
      int[] o = owners;
      owners = spareOwners;
      spareOwners = o;
    }
    // The merge is stable and takes the runs in endpoint order, so two equal points (two endpoints
    // with the same key) stay in owner order, as a sort by (hash, owner) would place them.
    return new RingHash(points, owners, n);
  }

  /** Merges the sorted runs [from, middle) and [middle, to) of hashes and owners into the spares. */
  private static void merge(long[] hashes, int[] owners, long[] intoHashes, int[] intoOwners,
      int from, int middle, int to) {
    int a = from;
    int b = middle;
    for (int i = from; i < to; i++) {
      if (b >= to || a < middle && hashes[a] <= hashes[b]) {
        intoHashes[i] = hashes[a];
        intoOwners[i] = owners[a++];
      } else {
        intoHashes[i] = hashes[b];
        intoOwners[i] = owners[b++];
      }
    }
  }

  /** Writes {@code value} (not negative) in ASCII decimal at {@code at}; returns the digit count. */
  private static int writeDecimal(int value, byte[] into, int at) {
    int digits = 1;
    for (int rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = at + digits - 1, rest = value; i >= at; i--, rest /= 10) {
      into[i] = (byte) ('0' + rest % 10);
    }
    return digits;
  }

  @Override
  public int pick(long keyHash) {
    return points.length == 0 ? -1 : owners[place(keyHash)];
  }

  /** For a ring hash the walk gives what a ring built without the unusable endpoints would. */
  @Override
  public int pick(long keyHash, IntPredicate usable) {
    return pick(keyHash, 0, usable);
  }

  /** As Envoy's ring: the entry {@code attempt} places after the key's, "as if that host was not in the ring". */
  @Override
  public int pick(long keyHash, int attempt) {
    return points.length == 0 ? -1 : owners[(int) ((place(keyHash) + (long) attempt) % points.length)];
  }

  @Override
  public int pick(long keyHash, int attempt, IntPredicate usable) {
    if (points.length == 0) {
      return -1;
    }
    long start = place(keyHash) + (long) attempt;
    for (int step = 0; step < points.length; step++) {
      int owner = owners[(int) ((start + step) % points.length)];
      if (usable.test(owner)) {
        return owner;
      }
    }
    return -1;
  }

  /** The index of the first point at or after the key, wrapping to 0 past the last. */
  private int place(long keyHash) {
    int i = Arrays.binarySearch(points, keyHash ^ Long.MIN_VALUE);
    if (i < 0) {
      i = -i - 1; // the first point after the key
    }
    return i == points.length ? 0 : i;
  }

  @Override
  public int endpointCount() {
    return endpointCount;
  }

  /** The number of points on the ring. */
  public int size() {
    return points.length;
  }
}
