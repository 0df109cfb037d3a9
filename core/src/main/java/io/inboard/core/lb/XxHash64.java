package io.inboard.core.lb;

import java.nio.charset.StandardCharsets;

/**
 * xxHash64 (Yann Collet's XXH64), the hash behind consistent hashing: fast, well mixed, and the
 * same on every JVM so that every agent and gateway sends a key to the same instance.
 */
public final class XxHash64 {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /**
   * Hashes the UTF-8 bytes of {@code text}. ASCII text (the usual header value) is read straight
   * from the string, without encoding it into a new array.
   */
  public static long hash(String text, long seed) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      if (text.charAt(i) >= 0x80) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return hash(utf8, 0, utf8.length, seed);
      }
    }
    return hashAscii(text, seed);
  }

  public static long hash(byte[] data, long seed) {
    return hash(data, 0, data.length, seed);
  }

  public static long hash(byte[] b, int off, int len, long seed) {
    int end = off + len;
    int p = off;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = end - 32;
      do {
        v1 = round(v1, le64(b, p));
        v2 = round(v2, le64(b, p + 8));
        v3 = round(v3, le64(b, p + 16));
        v4 = round(v4, le64(b, p + 24));
        p += 32;
      } while (p <= limit);
      h = converge(v1, v2, v3, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (p + 8 <= end) {
      h ^= round(0, le64(b, p));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= end) {
      h ^= (le32(b, p) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < end) {
      h ^= (b[p] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      p++;
    }
    return avalanche(h);
  }

  // The same algorithm as above with chars standing in for bytes (valid only for ASCII).
  private static long hashAscii(String s, long seed) {
    int len = s.length();
    int p = 0;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = len - 32;
      do {
        v1 = round(v1, le64(s, p));
        v2 = round(v2, le64(s, p + 8));
        v3 = round(v3, le64(s, p + 16));
        v4 = round(v4, le64(s, p + 24));
        p += 32;
      } while (p <= limit);
      h = converge(v1, v2, v3, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (p + 8 <= len) {
      h ^= round(0, le64(s, p));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= len) {
      h ^= (le32(s, p) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < len) {
      h ^= (s.charAt(p) & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      p++;
    }
    return avalanche(h);
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeRound(long acc, long val) {
    acc ^= round(0, val);
    return acc * P1 + P4;
  }

  private static long converge(long v1, long v2, long v3, long v4) {
    long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
        + Long.rotateLeft(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    return mergeRound(h, v4);
  }

  private static long avalanche(long h) {
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long le64(byte[] b, int p) {
    return (b[p] & 0xFFL)
        | (b[p + 1] & 0xFFL) << 8
        | (b[p + 2] & 0xFFL) << 16
        | (b[p + 3] & 0xFFL) << 24
        | (b[p + 4] & 0xFFL) << 32
        | (b[p + 5] & 0xFFL) << 40
        | (b[p + 6] & 0xFFL) << 48
        | (b[p + 7] & 0xFFL) << 56;
  }

  private static int le32(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
  }

  private static long le64(String s, int p) {
    return (s.charAt(p) & 0xFFL)
        | (s.charAt(p + 1) & 0xFFL) << 8
        | (s.charAt(p + 2) & 0xFFL) << 16
        | (s.charAt(p + 3) & 0xFFL) << 24
        | (s.charAt(p + 4) & 0xFFL) << 32
        | (s.charAt(p + 5) & 0xFFL) << 40
        | (s.charAt(p + 6) & 0xFFL) << 48
        | (s.charAt(p + 7) & 0xFFL) << 56;
  }

  private static int le32(String s, int p) {
    return (s.charAt(p) & 0xFF)
        | (s.charAt(p + 1) & 0xFF) << 8
        | (s.charAt(p + 2) & 0xFF) << 16
        | (s.charAt(p + 3) & 0xFF) << 24;
  }
}
