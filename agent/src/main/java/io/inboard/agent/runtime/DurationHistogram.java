package io.inboard.agent.runtime;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds: one striped counter per bucket, so that requests
 * recording at once on different threads do not contend. Buckets are stored per bucket and summed
 * into Prometheus's cumulative form only when scraped, which is rare next to recording.
 */
final class DurationHistogram {
  private final double[] bounds;
  private final LongAdder[] buckets;
  private final LongAdder count = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  /** {@code bounds} ascending; observations above the last one count only in {@code +Inf}. */
  DurationHistogram(double[] bounds) {
    this.bounds = bounds;
    this.buckets = new LongAdder[bounds.length];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void record(double value) {
    // Most requests land in the first few buckets, so a forward scan beats a binary search here.
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        buckets[i].increment();
        break;
      }
    }
    count.increment();
    sum.add(value);
  }

  long count() {
    return count.sum();
  }

  /** Appends {@code name_bucket}, {@code name_count} and {@code name_sum} lines for one series. */
  void writeTo(StringBuilder out, String name, String labels) {
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += buckets[i].sum();
      out.append(name).append("_bucket{").append(labels).append(",le=\"");
      PrometheusText.number(out, bounds[i]).append("\"} ").append(cumulative).append('\n');
    }
    // Read count after the buckets so that +Inf is never below a finite bucket in one scrape.
    long total = Math.max(cumulative, count.sum());
    out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
    out.append(name).append("_sum{").append(labels).append("} ");
    PrometheusText.number(out, sum.sum()).append('\n');
  }
}
