package io.inboard.server;

import io.inboard.core.mesh.Instance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Micrometer side of {@link ServerMetrics}: a Prometheus registry with requests by route
 * template and status, watchers waiting, the revision, live instances per service, apply latency,
 * fan-out time, and the JVM's threads and memory (to see what holding many watchers costs).
 */
final class PrometheusMeters {
  /**
   * One request timer's identity, so that a lookup builds no string. Equality is written out: a
   * fan-out looks up the same key hundreds of times at once, often before the JIT has compiled
   * the generic record methods.
   */
  private record RequestKey(String route, String method, int status) {
    @Override
    public int hashCode() {
      return (route.hashCode() * 31 + method.hashCode()) * 31 + status;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RequestKey k && status == k.status && route.equals(k.route) && method.equals(k.method);
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
  private final Timer apply;
  private final Timer fanOut;
  private final MultiGauge instances;
  private long instancesRevision = Long.MIN_VALUE;
  private List<Instance> instancesShown = List.of();

  PrometheusMeters(ControlPlane controlPlane, WatchHub watches) {
    apply = Timer.builder("inboard.apply").description("Time to validate, store and publish an apply or PUT")
        .register(registry);
    fanOut = Timer.builder("inboard.watch.fanout")
        .description("Time to hand one new revision to every waiting watcher").register(registry);
    Gauge.builder("inboard.revision", controlPlane, c -> c.current().revision()).description("The current revision")
        .register(registry);
    Gauge.builder("inboard.watchers.waiting", watches, WatchHub::waiting).description("Watch requests currently held")
        .register(registry);
    instances = MultiGauge.builder("inboard.instances").description("Live instances per service").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  void request(String route, String method, int status, long nanos) {
    // Looked up once per (route, method, status): a fan-out records hundreds at once.
    requestTimers.computeIfAbsent(new RequestKey(route, method, status), k ->
        Timer.builder("inboard.http.requests")
            .description("HTTP requests by route template, method and status")
            .tags("route", k.route(), "method", k.method(), "status", Integer.toString(k.status()))
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void apply(long nanos) {
    apply.record(nanos, TimeUnit.NANOSECONDS);
  }

  void fanOut(long nanos) {
    fanOut.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Live instances per service as of {@code p}; an older revision arriving late is ignored, and so
   * is one whose instances did not change (most revisions are resource edits, and re-registering
   * every row would compete with the fan-out of that very edit).
   */
  synchronized void instances(Published p) {
    if (p.revision() < instancesRevision) {
      return;
    }
    instancesRevision = p.revision();
    if (p.instances().equals(instancesShown)) {
      return;
    }
    instancesShown = p.instances();
    Map<String, Integer> counts = new TreeMap<>();
    for (Instance i : p.instances()) {
      counts.merge(i.namespace() + "/" + i.service(), 1, Integer::sum);
    }
    instances.register(
        counts.entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("service", e.getKey()), e.getValue()))
            .toList(),
        true);
  }

  String scrape() {
    return registry.scrape();
  }
}
