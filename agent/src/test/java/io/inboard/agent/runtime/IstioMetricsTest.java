package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.health.Ejection;
import io.inboard.core.mesh.Instance;
import io.inboard.filter.RequestSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus text the admin endpoint serves: Istio's names, cumulative buckets, escaping. */
class IstioMetricsTest {
  private final AtomicLong revision = new AtomicLong(7);
  private final IstioMetrics metrics = new IstioMetrics(revision::get);

  private static RequestSample sample(String version, int status, double millis) {
    return new RequestSample("source", "frontend", "traffic-management", "v1", "user", "traffic-management",
        "user.traffic-management.svc.cluster.local", "user", "traffic-management", version, "http", status, "-",
        (long) (millis * 1_000_000));
  }

  private static long value(String text, String seriesPattern) {
    Matcher m = Pattern.compile("(?m)^" + seriesPattern + " ([0-9.]+)$").matcher(text);
    assertThat(m.find()).as("a line matching %s in%n%s", seriesPattern, text).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void countsEachSeriesAndFillsCumulativeBuckets() {
    metrics.record(sample("v1", 200, 0.2));
    metrics.record(sample("v1", 200, 3));
    metrics.record(sample("v1", 200, 40));
    metrics.record(sample("v2", 503, 7000));
    String text = metrics.scrape();

    String v1 = "\\{[^}]*destination_version=\"v1\"[^}]*response_code=\"200\"[^}]*";
    assertThat(value(text, "istio_requests_total" + v1 + "\\}")).isEqualTo(3);
    assertThat(value(text, "istio_requests_total\\{[^}]*destination_version=\"v2\"[^}]*response_code=\"503\"[^}]*\\}"))
        .isEqualTo(1);
    assertThat(value(text, "istio_request_duration_milliseconds_bucket" + v1 + ",le=\"0.5\"\\}")).isEqualTo(1);
    assertThat(value(text, "istio_request_duration_milliseconds_bucket" + v1 + ",le=\"5\"\\}")).isEqualTo(2);
    assertThat(value(text, "istio_request_duration_milliseconds_bucket" + v1 + ",le=\"25\"\\}")).isEqualTo(2);
    assertThat(value(text, "istio_request_duration_milliseconds_bucket" + v1 + ",le=\"50\"\\}")).isEqualTo(3);
    assertThat(value(text, "istio_request_duration_milliseconds_bucket" + v1 + ",le=\"\\+Inf\"\\}")).isEqualTo(3);
    assertThat(value(text, "istio_request_duration_milliseconds_count" + v1 + "\\}")).isEqualTo(3);
    assertThat(text).containsPattern("istio_request_duration_milliseconds_sum" + v1 + "\\} 43\\.2");
    assertThat(text).contains("# TYPE istio_requests_total counter", "# TYPE istio_request_duration_milliseconds histogram");
    assertThat(text).contains("inboard_agent_snapshot_revision 7");
  }

  @Test
  void aTemplateRecordedWithStatusesCountsInTheSameSeriesAsWholeSamples() {
    RequestSample template = sample("v1", 0, 0);
    metrics.record(template, 200, 1_000_000);
    metrics.record(template, 200, 2_000_000);
    metrics.record(template, 503, 1_000_000);
    metrics.record(sample("v1", 200, 1)); // the same series as a whole sample
    String text = metrics.scrape();
    String v1 = "istio_requests_total\\{[^}]*destination_version=\"v1\"[^}]*response_code=\"%d\"[^}]*\\}";
    assertThat(value(text, v1.formatted(200))).isEqualTo(3);
    assertThat(value(text, v1.formatted(503))).isEqualTo(1);
    assertThat(text.lines().filter(l -> l.startsWith("istio_requests_total{"))).hasSize(2);
  }

  @Test
  void equalTemplatesBuiltAfreshCountInOneSeriesAndDistinctOnesApart() {
    // A new snapshot makes the callers build equal templates again: one series, not two.
    RequestSample first = sample("v1", 0, 0);
    RequestSample rebuilt = sample("v1", 0, 0);
    RequestSample canary = sample("v2", 0, 0);
    for (int i = 0; i < 3; i++) {
      metrics.record(first, 200, 1_000_000);
      metrics.record(rebuilt, 200, 1_000_000);
      metrics.record(canary, 200, 1_000_000);
    }
    String text = metrics.scrape();
    String series = "istio_requests_total\\{[^}]*destination_version=\"%s\"[^}]*response_code=\"200\"[^}]*\\}";
    assertThat(value(text, series.formatted("v1"))).isEqualTo(6);
    assertThat(value(text, series.formatted("v2"))).isEqualTo(3);
    assertThat(text.lines().filter(l -> l.startsWith("istio_requests_total{"))).hasSize(2);
  }

  @Test
  void failuresAreCountedByPlace() {
    metrics.failure("okhttp");
    metrics.failure("okhttp");
    metrics.failure("rules-file");
    String text = metrics.scrape();
    assertThat(text).contains("inboard_agent_errors_total{where=\"okhttp\"} 2\n");
    assertThat(text).contains("inboard_agent_errors_total{where=\"rules-file\"} 1\n");
  }

  @Test
  void labelValuesAreEscaped() {
    metrics.record(new RequestSample("destination", "we\"ird\\name\nx", null, null, null, null, null, null, null, null,
        null, 200, null, 1));
    assertThat(metrics.scrape()).contains("source_workload=\"we\\\"ird\\\\name\\nx\"")
        .contains("source_version=\"unknown\"");
  }

  @Test
  void concurrentRecordingLosesNothing() {
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      writers.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 10_000; i++) {
          metrics.record(sample(i % 2 == 0 ? "v1" : "v2", 200, i % 100));
        }
      }));
    }
    writers.forEach(CompletableFuture::join);
    String text = metrics.scrape();
    assertThat(value(text, "istio_requests_total\\{[^}]*destination_version=\"v1\"[^}]*\\}")).isEqualTo(20_000);
    assertThat(value(text, "istio_request_duration_milliseconds_count\\{[^}]*destination_version=\"v2\"[^}]*\\}"))
        .isEqualTo(20_000);
  }

  @Test
  void ejectionsAreCountedByDestinationAndCauseOnceThereAreAny() {
    assertThat(metrics.scrape()).doesNotContain("inboard_outlier_ejections_total");
    Instance bad = new Instance("user-v1", "user", "default", "127.0.0.1", 8080, Map.of());
    Ejection e = new Ejection("user.default.svc.cluster.local", "v1", bad, Duration.ofSeconds(30),
        Ejection.CONSECUTIVE_5XX, 1, 2);
    metrics.ejected(e);
    metrics.ejected(e);
    assertThat(metrics.scrape()).contains("# TYPE inboard_outlier_ejections_total counter\n"
        + "inboard_outlier_ejections_total{cause=\"consecutive_5xx\",destination_service=\"user.default.svc.cluster.local\","
        + "destination_subset=\"v1\"} 2\n");
  }
}
