package io.inboard.bench.jmh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What recording one request in Istio's metrics costs with Micrometer, the way the agent does it
 * per request and inbound (builders with 13 tags, registered on every call, a 19-bucket summary),
 * against looking the two meters up once per distinct tag set and reusing them. Every request
 * through a service with the agent records at least one such sample, the caller two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class IstioMetricsBenchmark {
  private static final double[] BUCKETS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
  };

  private PrometheusMeterRegistry registry;
  private final ConcurrentHashMap<Key, Meters> cache = new ConcurrentHashMap<>();

  /** What varies per request in practice; the rest of the 13 tags is fixed per workload. */
  private record Key(String destinationService, String destinationVersion, int responseCode) {}

  private record Meters(Counter requests, DistributionSummary duration) {}

  @Setup
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  private static Tags tags(String version, int code) {
    return Tags.of(
        "reporter", "source",
        "source_workload", "frontend",
        "source_workload_namespace", "traffic-management",
        "source_version", "v1",
        "destination_workload", "user-" + version,
        "destination_workload_namespace", "traffic-management",
        "destination_service", "user.traffic-management.svc.cluster.local",
        "destination_service_name", "user",
        "destination_service_namespace", "traffic-management",
        "destination_version", version,
        "request_protocol", "http",
        "response_code", Integer.toString(code),
        "response_flags", "-");
  }

  /** As the agent does it today: build the tags and register both meters on every request. */
  @Benchmark
  public void register_per_request() {
    Tags tags = tags("v1", 200);
    Counter.builder("istio.requests").tags(tags).register(registry).increment();
    DistributionSummary.builder("istio.request.duration.milliseconds").serviceLevelObjectives(BUCKETS).tags(tags)
        .register(registry).record(1.25);
  }

  /** The same two updates through meters looked up once per distinct (destination, version, code). */
  @Benchmark
  public void cached_meters() {
    Meters m = cache.computeIfAbsent(new Key("user.traffic-management.svc.cluster.local", "v1", 200), k -> {
      Tags tags = tags(k.destinationVersion(), k.responseCode());
      return new Meters(Counter.builder("istio.requests").tags(tags).register(registry),
          DistributionSummary.builder("istio.request.duration.milliseconds").serviceLevelObjectives(BUCKETS)
              .tags(tags).register(registry));
    });
    m.requests().increment();
    m.duration().record(1.25);
  }
}
