package io.inboard.bench.jmh;

import io.inboard.core.lb.ConsistentHashTable;
import io.inboard.core.lb.Maglev;
import io.inboard.core.lb.RingHash;
import io.inboard.core.lb.XxHash64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Consistent hashing as the router uses it: building a ring-hash or Maglev table (once per snapshot
 * and subset, so it bounds how fast a config change is applied) and picking an endpoint for a key
 * (on every request: hashing the header value with xxHash64, then the table look-up).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashBalancerBenchmark {
  @Param({"ringHash", "maglev"})
  public String algorithm;

  @Param({"2", "100"})
  public int endpoints;

  private List<String> endpointKeys;
  private ConsistentHashTable table;
  private String[] keys;
  private long[] keyHashes;
  private int next;

  @Setup
  public void setUp() {
    endpointKeys = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      endpointKeys.add("10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080");
    }
    table = build();
    keys = new String[1024];
    keyHashes = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "user-" + i * 7919;
      keyHashes[i] = XxHash64.hash(keys[i], 0);
    }
  }

  private ConsistentHashTable build() {
    return algorithm.equals("maglev")
        ? Maglev.build(endpointKeys, Maglev.DEFAULT_TABLE_SIZE)
        : RingHash.build(endpointKeys, RingHash.DEFAULT_MINIMUM_RING_SIZE);
  }

  /** Building the table for the default size (ring 1024 entries minimum, Maglev 65537). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ConsistentHashTable build_table() {
    return build();
  }

  /** Picking an endpoint for an already hashed key. */
  @Benchmark
  public int pick() {
    int i = next++ & (keyHashes.length - 1);
    return table.pick(keyHashes[i]);
  }

  /** Hashing a header value and picking: what one request with a hash key costs. */
  @Benchmark
  public int hash_and_pick() {
    int i = next++ & (keys.length - 1);
    return table.pick(XxHash64.hash(keys[i], 0));
  }
}
