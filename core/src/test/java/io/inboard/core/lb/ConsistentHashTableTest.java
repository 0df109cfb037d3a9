package io.inboard.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of both consistent-hash tables, over 20 000 fixed keys. Tolerances: each endpoint's
 * share within 40% of the fair share, and adding or removing one of N endpoints moves at most
 * 1.5/N of the keys (the ideal is 1/(N+1) and 1/N).
 */
class ConsistentHashTableTest {
  private static final int KEYS = 20_000;

  static List<Arguments> tables() {
    BiFunction<List<String>, Integer, ConsistentHashTable> ring =
        (eps, unused) -> RingHash.build(eps, RingHash.DEFAULT_MINIMUM_RING_SIZE);
    BiFunction<List<String>, Integer, ConsistentHashTable> maglev =
        (eps, unused) -> Maglev.build(eps, Maglev.DEFAULT_TABLE_SIZE);
    List<Arguments> out = new ArrayList<>();
    for (int n : new int[] {2, 3, 5, 10, 20}) {
      out.add(Arguments.of("ring hash", ring, n));
      out.add(Arguments.of("maglev", maglev, n));
    }
    return out;
  }

  private static List<String> endpoints(int n) {
    List<String> eps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      eps.add("user-" + i);
    }
    return eps;
  }

  private static String[] owners(ConsistentHashTable t, List<String> eps) {
    String[] owner = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      owner[k] = eps.get(t.pick(XxHash64.hash("key-" + k, 0)));
    }
    return owner;
  }

  @ParameterizedTest(name = "{0} over {2}")
  @MethodSource("tables")
  void addingOneEndpointMovesAtMostOneAndAHalfOverNOfTheKeys(
      String name, BiFunction<List<String>, Integer, ConsistentHashTable> build, int n) {
    List<String> before = endpoints(n);
    List<String> after = endpoints(n + 1);
    String[] a = owners(build.apply(before, 0), before);
    String[] b = owners(build.apply(after, 0), after);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (!a[k].equals(b[k])) {
        moved++;
        if (name.equals("ring hash")) {
          assertThat(b[k]).as("a moved key goes to the new endpoint").isEqualTo("user-" + n);
        }
      }
    }
    assertThat((double) moved / KEYS).isLessThanOrEqualTo(1.5 / n).isGreaterThan(0);
  }

  @ParameterizedTest(name = "{0} over {2}")
  @MethodSource("tables")
  void removingOneEndpointMovesAtMostOneAndAHalfOverNOfTheKeys(
      String name, BiFunction<List<String>, Integer, ConsistentHashTable> build, int n) {
    List<String> before = endpoints(n + 1);
    List<String> after = new ArrayList<>(before);
    after.remove(1);
    String[] a = owners(build.apply(before, 0), before);
    String[] b = owners(build.apply(after, 0), after);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (!a[k].equals(b[k])) {
        moved++;
        if (name.equals("ring hash")) {
          assertThat(a[k]).as("only keys of the removed endpoint move").isEqualTo("user-1");
        }
      }
    }
    assertThat((double) moved / KEYS).isLessThanOrEqualTo(1.5 / (n + 1));
  }

  @ParameterizedTest(name = "{0} over {2}")
  @MethodSource("tables")
  void everyEndpointGetsAboutItsFairShare(
      String name, BiFunction<List<String>, Integer, ConsistentHashTable> build, int n) {
    List<String> eps = endpoints(n);
    ConsistentHashTable t = build.apply(eps, 0);
    int[] counts = new int[n];
    for (int k = 0; k < KEYS; k++) {
      counts[t.pick(XxHash64.hash("key-" + k, 0))]++;
    }
    double fair = (double) KEYS / n;
    for (int c : counts) {
      assertThat(c).isBetween((int) (fair * 0.6), (int) (fair * 1.4));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 1024, 5000})
  void eachEndpointGetsTheMinimumRingSizeOfPoints(int minimum) {
    RingHash ring = RingHash.build(endpoints(3), minimum);
    assertThat(ring.size()).isEqualTo(3 * minimum);
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 251, 65537})
  void maglevFillsEveryEntryOfThePrimeTable(int size) {
    Maglev m = Maglev.build(endpoints(5), size);
    assertThat(m.tableSize()).isEqualTo(size);
    for (long h = 0; h < size; h++) {
      assertThat(m.pick(h)).isBetween(0, 4);
    }
  }

  @org.junit.jupiter.api.Test
  void maglevRefusesATableSizeThatIsNotPrimeInsteadOfProbingForever() {
    // With a size that is not prime, an endpoint's skip may share a factor with it, so its
    // permutation visits only some slots and the filling loop would never end.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .isThrownBy(() -> Maglev.build(endpoints(10), 10))
          .withMessageContaining("prime");
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .isThrownBy(() -> Maglev.build(endpoints(12), 12))
          .withMessageContaining("prime");
    });
  }

  @org.junit.jupiter.api.Test
  void aMaglevTableSmallerThanTheEndpointsGrowsToTheNextPrime() {
    assertThat(Maglev.tableSizeFor(2, 10)).isEqualTo(11);
    assertThat(Maglev.tableSizeFor(2, 12)).isEqualTo(13);
    assertThat(Maglev.tableSizeFor(7, 7)).isEqualTo(7);
    assertThat(Maglev.tableSizeFor(65537, 10)).isEqualTo(65537);
    assertThat(Maglev.tableSizeFor(251, 0)).isEqualTo(251);
  }

  @org.junit.jupiter.api.Test
  void identicalPointsStillMakeAWholeRing() {
    // Two endpoints with the same key put every point on the ring twice.
    RingHash ring = RingHash.build(List.of("same", "same", "other"), 16);
    assertThat(ring.size()).isEqualTo(48);
    java.util.Set<Integer> owners = new java.util.HashSet<>();
    for (int k = 0; k < 2000; k++) {
      owners.add(ring.pick(XxHash64.hash("key-" + k, 0)));
    }
    assertThat(owners).contains(2).isSubsetOf(0, 1, 2);
  }

  @org.junit.jupiter.api.Test
  void noEndpointsPicksNothing() {
    assertThat(RingHash.build(List.of(), 1024).pick(42)).isEqualTo(-1);
    assertThat(Maglev.build(List.of(), 65537).pick(42)).isEqualTo(-1);
  }

  @org.junit.jupiter.api.Test
  void ringPointsAreTheHashesOfEndpointUnderscoreIndex() {
    // The ring's definition, computed the plain way: xxHash64 of "<endpoint>_<i>" for i up to the
    // minimum, sorted unsigned, a key owned by the first point at or after it. Keys with digits and
    // non-ASCII characters check the bytes the build writes itself.
    List<String> keys = List.of("user-v1-10.0.0.7:8080", "utilisateur-é-9", "x");
    int perEndpoint = 1000; // indexes of one to four digits
    RingHash ring = RingHash.build(keys, perEndpoint);
    long[][] points = new long[keys.size() * perEndpoint][];
    for (int e = 0, k = 0; e < keys.size(); e++) {
      for (int i = 0; i < perEndpoint; i++) {
        points[k++] = new long[] {XxHash64.hash(keys.get(e) + "_" + i, 0), e};
      }
    }
    java.util.Arrays.sort(points, (a, b) -> Long.compareUnsigned(a[0], b[0]));
    java.util.Random random = new java.util.Random(7);
    for (int n = 0; n < 20_000; n++) {
      long key = random.nextLong();
      int expected = (int) points[0][1];
      for (long[] point : points) {
        if (Long.compareUnsigned(point[0], key) >= 0) {
          expected = (int) point[1];
          break;
        }
      }
      assertThat(ring.pick(key)).as("owner of key %s", Long.toUnsignedString(key)).isEqualTo(expected);
    }
  }

  @org.junit.jupiter.api.Test
  void aRetrysLaterAttemptsTakeTheRingsNextPointsAndMutateTheMaglevHash() {
    // Envoy's ring: attempt k takes the point k places after the key's; its Maglev: the slot of
    // hash ^ -k. Checked against the points computed the plain way, as the test above does.
    List<String> keys = endpoints(3);
    int perEndpoint = 50;
    RingHash ring = RingHash.build(keys, perEndpoint);
    long[][] points = new long[keys.size() * perEndpoint][];
    for (int e = 0, k = 0; e < keys.size(); e++) {
      for (int i = 0; i < perEndpoint; i++) {
        points[k++] = new long[] {XxHash64.hash(keys.get(e) + "_" + i, 0), e};
      }
    }
    java.util.Arrays.sort(points, (a, b) -> Long.compareUnsigned(a[0], b[0]));
    Maglev maglev = Maglev.build(keys, 101);
    java.util.Random random = new java.util.Random(11);
    for (int n = 0; n < 2_000; n++) {
      long key = random.nextLong();
      int place = 0;
      while (place < points.length && Long.compareUnsigned(points[place][0], key) < 0) {
        place++;
      }
      place %= points.length;
      assertThat(ring.pick(key, 0)).isEqualTo(ring.pick(key));
      for (int attempt = 1; attempt <= 4; attempt++) {
        int expected = (int) points[(place + attempt) % points.length][1];
        assertThat(ring.pick(key, attempt)).as("ring, attempt %d", attempt).isEqualTo(expected);
        assertThat(ring.pick(key, attempt, e -> true)).isEqualTo(expected);
        assertThat(maglev.pick(key, attempt)).as("maglev, attempt %d", attempt).isEqualTo(maglev.pick(key ^ -attempt));
      }
      assertThat(maglev.pick(key, 0)).isEqualTo(maglev.pick(key));
      int owner = ring.pick(key);
      assertThat(ring.pick(key, 2, e -> e != owner)).isNotEqualTo(owner);
    }
  }

  @ParameterizedTest(name = "{0} over {2}")
  @MethodSource("tables")
  void fiveHostSelectionAttemptsUsuallyReachAnotherEndpoint(
      String name, BiFunction<List<String>, Integer, ConsistentHashTable> build, int n) {
    // What a retry of a consistent-hash route gains from Envoy's walk: with the previous-hosts
    // predicate, one of the attempts 1-4 finds an endpoint other than the key's own.
    ConsistentHashTable table = build.apply(endpoints(n), 0);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      long hash = XxHash64.hash("key-" + k, 0);
      int own = table.pick(hash);
      for (int attempt = 1; attempt < 5; attempt++) {
        if (table.pick(hash, attempt) != own) {
          moved++;
          break;
        }
      }
    }
    assertThat(moved).as("keys whose retry found another endpoint").isGreaterThan(KEYS * 85 / 100);
  }
}
