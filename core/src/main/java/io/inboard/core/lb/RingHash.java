package io.inboard.core.lb;

import java.util.Arrays;
import java.util.List;

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
      String key = endpointKeys.get(e);
      for (int i = 0; i < perEndpoint; i++) {
        hashes[k++] = XxHash64.hash(key + "_" + i, 0) ^ Long.MIN_VALUE;
      }
    }
    long[] points = hashes.clone();
    Arrays.sort(points);
    for (int i = 1; i < size; i++) {
      if (points[i] == points[i - 1]) {
        return withCollisions(hashes, perEndpoint, n);
      }
    }
    // Points are distinct: each one's owner is found by searching the sorted ring.
    int[] owners = new int[size];
    for (int i = 0; i < size; i++) {
      owners[Arrays.binarySearch(points, hashes[i])] = i / perEndpoint;
    }
    return new RingHash(points, owners, n);
  }

  // Two points with the same 64-bit hash (practically never): sort (hash, owner) pairs.
  private static RingHash withCollisions(long[] hashes, int perEndpoint, int n) {
    Integer[] order = new Integer[hashes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> hashes[a] != hashes[b] ? Long.compare(hashes[a], hashes[b]) : Integer.compare(a, b));
    long[] points = new long[hashes.length];
    int[] owners = new int[hashes.length];
    for (int i = 0; i < order.length; i++) {
      points[i] = hashes[order[i]];
      owners[i] = order[i] / perEndpoint;
    }
    return new RingHash(points, owners, n);
  }

  @Override
  public int pick(long keyHash) {
    if (points.length == 0) {
      return -1;
    }
    int i = Arrays.binarySearch(points, keyHash ^ Long.MIN_VALUE);
    if (i < 0) {
      i = -i - 1; // the first point after the key
    }
    return owners[i == points.length ? 0 : i];
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
