package io.inboard.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.inboard.core.mesh.Instance;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's Prometheus metrics: requests by route template and status, watchers waiting, the
 * revision, live instances per service, apply latency, and the JVM's threads and memory (to see
 * what holding many watchers costs).
 */
final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer apply;
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> requestTimers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private MultiGauge instances;

  ServerMetrics() {
    apply = Timer.builder("inboard.apply").description("Time to validate, store and publish an apply or PUT")
        .register(registry);
  }

  /** The JVM's memory and thread metrics; they load the JMX machinery, so this runs after start. */
  void bindJvm() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  void bind(ControlPlane controlPlane, WatchHub watches) {
    gauge("inboard.revision", "The current revision", controlPlane, c -> c.current().revision());
    gauge("inboard.watchers.waiting", "Watch requests currently held", watches, WatchHub::waiting);
    Timer fanOut = Timer.builder("inboard.watch.fanout")
        .description("Time to hand one new revision to every waiting watcher").register(registry);
    watches.onFanOut(n -> fanOut.record(n, TimeUnit.NANOSECONDS));
    instances = MultiGauge.builder("inboard.instances").description("Live instances per service").register(registry);
    controlPlane.onPublish(p -> updateInstances(p.instances()));
    updateInstances(controlPlane.current().instances());
  }

  private <T> void gauge(String name, String description, T target, ToDoubleFunction<T> f) {
    Gauge.builder(name, target, f).description(description).register(registry);
  }

  private void updateInstances(java.util.List<Instance> live) {
    Map<String, Integer> counts = new TreeMap<>();
    live.forEach(i -> counts.merge(i.namespace() + "/" + i.service(), 1, Integer::sum));
    instances.register(
        counts.entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("service", e.getKey()), e.getValue()))
            .toList(),
        true);
  }

  void request(String route, String method, int status, long nanos) {
    // Looked up once per (route, method, status): a fan-out records hundreds at once.
    requestTimers.computeIfAbsent(route + ' ' + method + ' ' + status, k ->
        Timer.builder("inboard.http.requests")
            .description("HTTP requests by route template, method and status")
            .tags("route", route, "method", method, "status", Integer.toString(status))
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  Timer applyTimer() {
    return apply;
  }

  String scrape() {
    return registry.scrape();
  }
}
