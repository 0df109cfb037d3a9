package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The striped histogram: each observation in one bucket, nothing lost between threads. */
class DurationHistogramTest {
  private static final double[] BOUNDS = {0.5, 1, 5};

  private static String text(DurationHistogram h) {
    StringBuilder out = new StringBuilder();
    h.writeTo(out, "d", "a=\"b\"");
    return out.toString();
  }

  @Test
  void putsEachObservationInTheFirstBucketWhoseBoundHoldsItAndSumsInMilliseconds() {
    DurationHistogram h = new DurationHistogram(BOUNDS);
    h.record(500_000); // exactly 0.5 ms: le="0.5", as Prometheus bounds are inclusive
    h.record(500_001);
    h.record(3_000_000);
    h.record(7_000_000); // above every bound: +Inf only

    assertThat(text(h)).isEqualTo("""
        d_bucket{a="b",le="0.5"} 1
        d_bucket{a="b",le="1"} 2
        d_bucket{a="b",le="5"} 3
        d_bucket{a="b",le="+Inf"} 4
        d_count{a="b"} 4
        d_sum{a="b"} 11.000001
        """);
    assertThat(h.count()).isEqualTo(4);
    assertThat(h.sumNanos()).isEqualTo(11_000_001);
  }

  @Test
  void countsEveryObservationOfThreadsRecordingAtOnce() throws Exception {
    DurationHistogram h = new DurationHistogram(IstioMetrics.BUCKETS);
    int threads = 16;
    int each = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long nanos = (t + 1) * 100_000L; // 0.1 to 1.6 ms: the two lowest buckets and the third
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          h.record(nanos);
        }
      });
      thread.start();
      running.add(thread);
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }

    assertThat(h.count()).isEqualTo((long) threads * each);
    // 0.1 + 0.2 + ... + 1.6 ms = 13.6 ms per round of the sixteen threads
    assertThat(h.sumNanos()).isEqualTo(13_600_000L * each);
    String text = text(h);
    assertThat(text).contains("le=\"0.5\"} " + 5 * each + "\n"); // 0.1-0.5 ms
    assertThat(text).contains("le=\"1\"} " + 10 * each + "\n"); // and 0.6-1.0 ms
    assertThat(text).contains("le=\"5\"} " + 16L * each + "\n");
  }

  @Test
  void keepsAFewRowsPerCoreAsAPowerOfTwo() {
    assertThat(DurationHistogram.stripes(1)).isEqualTo(4);
    assertThat(DurationHistogram.stripes(2)).isEqualTo(8);
    assertThat(DurationHistogram.stripes(3)).isEqualTo(16);
    assertThat(DurationHistogram.stripes(64)).isEqualTo(64);
  }
}
