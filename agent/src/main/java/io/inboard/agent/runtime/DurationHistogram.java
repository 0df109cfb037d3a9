package io.inboard.agent.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Prometheus histogram with fixed upper bounds, recorded without contention and summed into
 * Prometheus's cumulative form only when scraped, which is rare next to recording.
 *
 * <p>All counters live in one array, in rows ("stripes") of one counter per bucket (one more bucket
 * holds what lies above the last bound) and the sum; a thread always records into the row its id
 * picks. Recording is two atomic adds into one row, usually one or two cache lines: a
 * {@code LongAdder} per bucket and one for the sum touched about seven lines (adder, its cells
 * array, the cell, twice), and on the whole path, where other processes evict the agent's data
 * between requests, each of them is a miss. Rows are padded to whole cache lines so that threads of
 * different rows never write one line. The count is the sum of all buckets; durations stay in
 * nanoseconds, compared with bounds converted once, until a scrape writes them in milliseconds.
 */
final class DurationHistogram {
  /** Longs per 64-byte cache line: rows start on a line boundary (relative to the array's data). */
  private static final int LONGS_PER_LINE = 8;
  /** Rows: a power of two, a few per core, so that threads of one request pool rarely share one. */
  private static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

  private final double[] boundsMillis;
  private final long[] boundsNanos;
  /**
   * Counters per row: the sum in nanoseconds, then the buckets, then padding. The sum comes first so
   * that it shares a line with the low buckets most requests land in.
   */
  private final int rowLength;
  private final int bucketCount;
  private final AtomicLongArray counters;

  /** {@code boundsMillis} ascending; observations above the last one count only in {@code +Inf}. */
  DurationHistogram(double[] boundsMillis) {
    this.boundsMillis = boundsMillis;
    this.boundsNanos = new long[boundsMillis.length];
    for (int i = 0; i < boundsMillis.length; i++) {
      boundsNanos[i] = Math.round(boundsMillis[i] * 1_000_000);
    }
    this.bucketCount = boundsMillis.length + 1;
    // At least two longs of padding: the array's data starts 16 bytes into a line, not at its start.
    int padded = 1 + bucketCount + 2;
    this.rowLength = (padded + LONGS_PER_LINE - 1) / LONGS_PER_LINE * LONGS_PER_LINE;
    this.counters = new AtomicLongArray(rowLength * STRIPES);
  }

  static int stripes(int processors) {
    int wanted = Math.max(2, Math.min(64, processors * 4));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  void record(long nanos) {
    // Most requests land in the first few buckets, so a forward scan beats a binary search here.
    int i = 0;
    while (i < boundsNanos.length && nanos > boundsNanos[i]) {
      i++;
    }
    int row = row(Thread.currentThread().getId()) * rowLength;
    counters.getAndAdd(row, nanos);
    counters.getAndIncrement(row + 1 + i);
  }

  /** The row of a thread: its id spread by a multiplicative hash, as pool threads have ids in sequence. */
  private static int row(long threadId) {
    return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 32) & (STRIPES - 1);
  }

  /** Observations of bucket {@code i} (the last index is above every bound), over all rows. */
  private long bucket(int i) {
    return column(1 + i);
  }

  private long column(int offset) {
    long total = 0;
    for (int row = 0; row < counters.length(); row += rowLength) {
      total += counters.get(row + offset);
    }
    return total;
  }

  long count() {
    long total = 0;
    for (int i = 0; i < bucketCount; i++) {
      total += bucket(i);
    }
    return total;
  }

  /** The sum of all observations, in nanoseconds. */
  long sumNanos() {
    return column(0);
  }

  /** Appends {@code name_bucket}, {@code name_count} and {@code name_sum} lines for one series. */
  void writeTo(StringBuilder out, String name, String labels) {
    long cumulative = 0;
    for (int i = 0; i < boundsMillis.length; i++) {
      cumulative += bucket(i);
      out.append(name).append("_bucket{").append(labels).append(",le=\"");
      PrometheusText.number(out, boundsMillis[i]).append("\"} ").append(cumulative).append('\n');
    }
    // The count is read from the same pass, so +Inf is never below a finite bucket in one scrape.
    long total = cumulative + bucket(boundsMillis.length);
    out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
    out.append(name).append("_sum{").append(labels).append("} ");
    PrometheusText.number(out, sumNanos() / 1_000_000.0).append('\n');
  }
}
