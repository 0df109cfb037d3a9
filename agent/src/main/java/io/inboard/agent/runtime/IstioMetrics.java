package io.inboard.agent.runtime;

import io.inboard.filter.RequestMetrics;
import io.inboard.filter.RequestSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The agent's metrics in a Prometheus registry, under Istio's standard names and labels so existing
 * dashboards read them: {@code istio_requests_total} and {@code istio_request_duration_milliseconds}
 * (histogram, Istio's default buckets), both for inbound ({@code reporter="destination"}, from the
 * filter) and outbound ({@code reporter="source"}, from the client hooks) requests. Plus Inboard's
 * own {@code inboard_agent_errors_total{where}} and {@code inboard_agent_snapshot_revision}.
 */
final class IstioMetrics implements RequestMetrics {
  /** Istio's default buckets for {@code istio_request_duration_milliseconds}. */
  private static final double[] BUCKETS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  IstioMetrics(LongSupplier revision) {
    Gauge.builder("inboard.agent.snapshot.revision", revision, r -> r.getAsLong())
        .description("Revision of the routing snapshot in force")
        .strongReference(true) // Micrometer holds gauge objects weakly; this supplier has no other owner
        .register(registry);
  }

  /** The two meters of one series. */
  private record Meters(Counter requests, DistributionSummary duration) {}

  // Meters are looked up by series instead of being built and registered again on every request:
  // building 13 tags and asking the registry cost about ten times the look-up, on every call.
  private final ConcurrentHashMap<RequestSample, Meters> series = new ConcurrentHashMap<>();

  @Override
  public void record(RequestSample s) {
    Meters meters = series.computeIfAbsent(s.series(), this::register);
    meters.requests().increment();
    meters.duration().record(s.durationNanos() / 1_000_000.0);
  }

  private Meters register(RequestSample s) {
    Tags tags =
        Tags.of(
            "reporter", s.reporter(),
            "source_workload", s.sourceWorkload(),
            "source_workload_namespace", s.sourceWorkloadNamespace(),
            "source_version", s.sourceVersion(),
            "destination_workload", s.destinationWorkload(),
            "destination_workload_namespace", s.destinationWorkloadNamespace(),
            "destination_service", s.destinationService(),
            "destination_service_name", s.destinationServiceName(),
            "destination_service_namespace", s.destinationServiceNamespace(),
            "destination_version", s.destinationVersion(),
            "request_protocol", s.requestProtocol(),
            "response_code", Integer.toString(s.responseCode()),
            "response_flags", s.responseFlags());
    return new Meters(
        Counter.builder("istio.requests").description("Requests, as Istio counts them").tags(tags).register(registry),
        DistributionSummary.builder("istio.request.duration.milliseconds")
            .description("Request duration in milliseconds, as Istio measures it")
            .serviceLevelObjectives(BUCKETS)
            .tags(tags)
            .register(registry));
  }

  /** Counts one internal failure at {@code where}. */
  void failure(String where) {
    Counter.builder("inboard.agent.errors")
        .description("Failures inside the agent; each left the application's call as it was")
        .tag("where", where)
        .register(registry)
        .increment();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }
}
