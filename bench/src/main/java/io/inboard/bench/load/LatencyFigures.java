package io.inboard.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The percentiles the report shows, in microseconds, from one histogram. */
public record LatencyFigures(long count, long p50, long p90, long p99, long p999, long max, double mean) {
  public static LatencyFigures of(Histogram h) {
    return new LatencyFigures(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), Math.round(h.getMean() * 10) / 10.0);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50", p50);
    m.put("p90", p90);
    m.put("p99", p99);
    m.put("p99.9", p999);
    m.put("max", max);
    m.put("mean", mean);
    return m;
  }
}
