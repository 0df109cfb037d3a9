package io.inboard.gateway;

import io.inboard.core.breaker.Overflow;
import io.inboard.core.health.Ejection;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Istio's standard request metrics as the ingress gateway reports them
 * ({@code reporter="source"}), so that existing Istio dashboards read the gateway unchanged:
 * {@code istio_requests_total} and {@code istio_request_duration_milliseconds}.
 */
final class GatewayMetrics {
  /** Istio's default duration buckets, in milliseconds. */
  private static final double[] DURATION_BUCKETS_MS = {
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
    1800000, 3600000
  };

  /** One label set; meters are looked up by it so the request path allocates no builders. */
  private record Key(String service, String serviceName, String serviceNamespace, String version,
      String workload, int code, String flags, String grpc) {}

  private record Meters(Counter requests, DistributionSummary duration) {}

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<Key, Meters> meters = new ConcurrentHashMap<>();
  private final String sourceWorkload;
  private final String sourceNamespace;

  GatewayMetrics(String sourceWorkload, String sourceNamespace) {
    this.sourceWorkload = sourceWorkload;
    this.sourceNamespace = sourceNamespace;
  }

  /** Also exports the revision of the snapshot in force. */
  void revisionGauge(LongSupplier revision) {
    Gauge.builder("inboard_gateway_snapshot_revision", revision::getAsLong)
        .description("Revision of the routing snapshot the gateway uses")
        .register(registry);
  }

  /**
   * Records one finished request.
   *
   * @param decision what the router decided, or {@code null} when the host was unknown
   * @param instance the instance the request was last sent to, or {@code null}
   * @param flags Envoy-style response flags: {@code NR} no route, {@code UH} no healthy upstream,
   *     {@code UT} upstream timeout, {@code UF} upstream connection failure, {@code FI} fault
   *     injected, {@code UO} upstream overflow (a {@code connectionPool} limit), {@code DC} downstream disconnected, {@code -} none
   */
  void record(Decision decision, Instance instance, int code, long nanos, String flags) {
    record(decision, instance, code, nanos, flags, "");
  }

  /** @param grpcStatus the {@code grpc-status} a gRPC client got ({@code grpc_response_status}), else empty */
  void record(Decision decision, Instance instance, int code, long nanos, String flags, String grpcStatus) {
    String service = "unknown";
    String serviceName = "unknown";
    String serviceNamespace = "unknown";
    String version = "unknown";
    String workload = "unknown";
    if (decision != null && decision.destination() != null) {
      service = decision.destination().host();
      int dot = service.indexOf('.');
      serviceName = dot < 0 ? service : service.substring(0, dot);
      int second = dot < 0 ? -1 : service.indexOf('.', dot + 1);
      serviceNamespace = second < 0 ? "unknown" : service.substring(dot + 1, second);
      if (decision.destination().subset() != null) {
        version = decision.destination().subset();
      }
    }
    if (instance != null) {
      version = instance.labels().getOrDefault("version", version);
      workload = instance.labels().getOrDefault("app", instance.service())
          + (instance.labels().containsKey("version") ? "-" + instance.labels().get("version") : "");
      serviceNamespace = instance.namespace();
    }
    Key key = new Key(service, serviceName, serviceNamespace, version, workload, code, flags, grpcStatus);
    Meters m = meters.computeIfAbsent(key, this::register);
    m.requests.increment();
    m.duration.record(nanos / 1_000_000.0);
  }

  private Meters register(Key key) {
    Tags tags = Tags.of(
        "reporter", "source",
        "source_workload", sourceWorkload,
        "source_workload_namespace", sourceNamespace,
        "source_app", sourceWorkload,
        "destination_service", key.service,
        "destination_service_name", key.serviceName,
        "destination_service_namespace", key.serviceNamespace,
        "destination_workload", key.workload,
        "destination_version", key.version,
        "request_protocol", "http",
        "response_code", Integer.toString(key.code),
        "response_flags", key.flags,
        "grpc_response_status", key.grpc);
    Counter requests = Counter.builder("istio_requests")
        .description("Requests handled by the gateway, Istio's standard metric")
        .tags(tags)
        .register(registry);
    DistributionSummary duration = DistributionSummary.builder("istio_request_duration_milliseconds")
        .description("Request duration in milliseconds, Istio's standard metric")
        .serviceLevelObjectives(DURATION_BUCKETS_MS)
        .tags(tags)
        .register(registry);
    return new Meters(requests, duration);
  }

  /** Counts one instance ejected by outlier detection ({@code inboard_outlier_ejections_total}). */
  void ejected(Ejection ejection) {
    Counter.builder("inboard_outlier_ejections")
        .description("Instances ejected by outlier detection, by destination and cause")
        .tags("destination_service", ejection.host(),
            "destination_subset", ejection.subset() == null ? "" : ejection.subset(),
            "cause", ejection.cause())
        .register(registry)
        .increment();
  }

  /**
   * Counts one request or retry a destination's {@code connectionPool} turned away
   * ({@code inboard_connection_pool_overflow_total}; {@code limit} is {@code requests} or
   * {@code retries}, Envoy's {@code upstream_rq_pending_overflow} and {@code upstream_rq_retry_overflow}).
   */
  void overflowed(Overflow overflow) {
    Counter.builder("inboard_connection_pool_overflow")
        .description("Requests and retries turned away by a destination's connectionPool limits")
        .tags("destination_service", overflow.host(),
            "destination_subset", overflow.subset() == null ? "" : overflow.subset(),
            "limit", overflow.kind().label())
        .register(registry)
        .increment();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }
}
