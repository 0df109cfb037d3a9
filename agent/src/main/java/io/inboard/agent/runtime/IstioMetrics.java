package io.inboard.agent.runtime;

import io.inboard.core.breaker.Overflow;
import io.inboard.core.health.Ejection;
import io.inboard.filter.RequestMetrics;
import io.inboard.filter.RequestSample;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The agent's metrics under Istio's standard names and labels, so existing dashboards read them:
 * {@code istio_requests_total} and {@code istio_request_duration_milliseconds} (histogram, Istio's
 * default buckets), both for inbound ({@code reporter="destination"}, from the filter) and outbound
 * ({@code reporter="source"}, from the client hooks) requests. Plus Inboard's own
 * {@code inboard_agent_errors_total{where}}, {@code inboard_agent_mirrors_total{result}},
 * {@code inboard_outlier_ejections_total} (once an instance was ejected),
 * {@code inboard_connection_pool_overflow_total} (once a connectionPool turned a call away) and
 * {@code inboard_agent_snapshot_revision}.
 *
 * <p>Kept in a few striped counters per series and written in Prometheus's text format on scrape,
 * instead of a metrics library: the agent lives inside the application, and a general registry cost
 * it about a hundred classes and several megabytes at start and more work per request than the
 * routing itself.
 */
final class IstioMetrics implements RequestMetrics {
  /** Istio's default buckets for {@code istio_request_duration_milliseconds}. */
  static final double[] BUCKETS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
  };

  private static final String REQUESTS = "istio_requests_total";
  private static final String DURATION = "istio_request_duration_milliseconds";
  private static final String ERRORS = "inboard_agent_errors_total";
  private static final String REVISION = "inboard_agent_snapshot_revision";
  private static final String EJECTIONS = "inboard_outlier_ejections_total";
  private static final String MIRRORS = "inboard_agent_mirrors_total";
  private static final String OVERFLOWS = "inboard_connection_pool_overflow_total";

  /**
   * The meters of one series, and its labels already in exposition form. The request count is the
   * histogram's count: every request records one duration, so a counter of its own would only be a
   * second striped counter to bump per request.
   */
  private record Meters(int status, String labels, DurationHistogram duration) {}

  /**
   * The meters of one series template (every label but the status), one per status seen. Few
   * statuses occur per series, so a copy-on-write array scanned linearly beats a map.
   */
  private static final class ByStatus {
    private final RequestSample template;
    private volatile Meters[] meters = new Meters[0];

    ByStatus(RequestSample template) {
      this.template = template;
    }

    Meters forStatus(int status) {
      for (Meters m : meters) {
        if (m.status() == status) {
          return m;
        }
      }
      synchronized (this) {
        Meters[] current = meters;
        for (Meters m : current) {
          if (m.status() == status) {
            return m;
          }
        }
        Meters created = IstioMetrics.meters(template, status);
        Meters[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = created;
        meters = grown;
        return created;
      }
    }
  }

  /** A template instance and the meters of its series, for the identity lookup in front of the map. */
  private record Seen(RequestSample template, ByStatus byStatus) {}

  private static final int SEEN_SLOTS = 32; // a power of two

  private final LongSupplier revision;
  /** Keyed by template (status and duration 0); callers pass the same few long-lived templates. */
  private final ConcurrentHashMap<RequestSample, ByStatus> series = new ConcurrentHashMap<>();
  /**
   * The templates passed recently, by identity: a record's hash code combines its 14 labels through
   * method handles on every call, the agent's most expensive step per inbound request in a profile,
   * while callers pass the same long-lived template instance request after request. Equal templates
   * built afresh (a new snapshot) miss here and find their series in the map.
   */
  private final AtomicReferenceArray<Seen> seen = new AtomicReferenceArray<>(SEEN_SLOTS);
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** Ejections by their labels in exposition form; empty (and not written) without outlier detection. */
  private final ConcurrentHashMap<String, LongAdder> ejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> overflows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> mirrors = new ConcurrentHashMap<>();

  IstioMetrics(LongSupplier revision) {
    this.revision = revision;
  }

  @Override
  public void record(RequestSample s) {
    record(s, s.responseCode(), s.durationNanos());
  }

  /** Allocates nothing once the series and status have been seen (the per-request path). */
  @Override
  public void record(RequestSample template, int status, long nanos) {
    Meters meters = byTemplate(template).forStatus(status);
    meters.duration().record(nanos);
  }

  private ByStatus byTemplate(RequestSample template) {
    int slot = System.identityHashCode(template) & (SEEN_SLOTS - 1);
    Seen last = seen.get(slot);
    if (last != null && last.template() == template) {
      return last.byStatus();
    }
    RequestSample key = template.responseCode() == 0 && template.durationNanos() == 0
        ? template : template.withOutcome(0, 0);
    ByStatus byStatus = series.get(key);
    if (byStatus == null) {
      byStatus = series.computeIfAbsent(key, ByStatus::new);
    }
    if (key == template) {
      // Only a long-lived template is worth remembering; a sample carrying an outcome is one-off.
      seen.set(slot, new Seen(template, byStatus));
    }
    return byStatus;
  }

  private static Meters meters(RequestSample s, int status) {
    StringBuilder labels = new StringBuilder(512);
    PrometheusText.label(labels, "reporter", s.reporter()).append(',');
    PrometheusText.label(labels, "source_workload", s.sourceWorkload()).append(',');
    PrometheusText.label(labels, "source_workload_namespace", s.sourceWorkloadNamespace()).append(',');
    PrometheusText.label(labels, "source_version", s.sourceVersion()).append(',');
    PrometheusText.label(labels, "destination_workload", s.destinationWorkload()).append(',');
    PrometheusText.label(labels, "destination_workload_namespace", s.destinationWorkloadNamespace()).append(',');
    PrometheusText.label(labels, "destination_service", s.destinationService()).append(',');
    PrometheusText.label(labels, "destination_service_name", s.destinationServiceName()).append(',');
    PrometheusText.label(labels, "destination_service_namespace", s.destinationServiceNamespace()).append(',');
    PrometheusText.label(labels, "destination_version", s.destinationVersion()).append(',');
    PrometheusText.label(labels, "request_protocol", s.requestProtocol()).append(',');
    PrometheusText.label(labels, "response_code", Integer.toString(status)).append(',');
    PrometheusText.label(labels, "response_flags", s.responseFlags());
    return new Meters(status, labels.toString(), new DurationHistogram(BUCKETS));
  }

  /** Counts one internal failure at {@code where}. */
  void failure(String where) {
    errors.computeIfAbsent(where, w -> new LongAdder()).increment();
  }

  /** Counts one instance ejected by outlier detection. */
  void ejected(Ejection ejection) {
    StringBuilder labels = new StringBuilder();
    PrometheusText.label(labels, "cause", ejection.cause()).append(',');
    PrometheusText.label(labels, "destination_service", ejection.host()).append(',');
    PrometheusText.label(labels, "destination_subset", ejection.subset() == null ? "" : ejection.subset());
    ejections.computeIfAbsent(labels.toString(), l -> new LongAdder()).increment();
  }

  /** Counts one call or retry turned away by a destination's {@code connectionPool}. */
  void overflowed(Overflow overflow) {
    StringBuilder labels = new StringBuilder();
    PrometheusText.label(labels, "destination_service", overflow.host()).append(',');
    PrometheusText.label(labels, "destination_subset", overflow.subset() == null ? "" : overflow.subset()).append(',');
    PrometheusText.label(labels, "limit", overflow.kind().label());
    overflows.computeIfAbsent(labels.toString(), l -> new LongAdder()).increment();
  }

  /** Counts one rule's mirror that ended as {@code result}. */
  void mirror(String result) {
    mirrors.computeIfAbsent(result, r -> new LongAdder()).increment();
  }

  /** The Prometheus text exposition, series in a stable order. */
  String scrape() {
    Map<String, Meters> sorted = new TreeMap<>();
    for (ByStatus byStatus : series.values()) {
      for (Meters m : byStatus.meters) {
        sorted.put(m.labels(), m);
      }
    }
    StringBuilder out = new StringBuilder(1024 + sorted.size() * 4096);
    PrometheusText.family(out, REQUESTS, "counter", "Requests, as Istio counts them");
    for (Meters m : sorted.values()) {
      out.append(REQUESTS).append('{').append(m.labels()).append("} ").append(m.duration().count()).append('\n');
    }
    PrometheusText.family(out, DURATION, "histogram", "Request duration in milliseconds, as Istio measures it");
    for (Meters m : sorted.values()) {
      m.duration().writeTo(out, DURATION, m.labels());
    }
    PrometheusText.family(out, ERRORS, "counter", "Failures inside the agent; each left the application's call as it was");
    counters(out, ERRORS, "where", errors);
    if (!ejections.isEmpty()) {
      PrometheusText.family(out, EJECTIONS, "counter", "Instances ejected by outlier detection, by destination and cause");
      for (Map.Entry<String, LongAdder> e : new TreeMap<>(ejections).entrySet()) {
        out.append(EJECTIONS).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
      }
    }
    if (!overflows.isEmpty()) {
      PrometheusText.family(out, OVERFLOWS, "counter",
          "Calls and retries turned away by a destination's connectionPool, by destination and limit");
      for (Map.Entry<String, LongAdder> e : new TreeMap<>(overflows).entrySet()) {
        out.append(OVERFLOWS).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
      }
    }
    PrometheusText.family(out, MIRRORS, "counter", "Rules' mirrors, by what became of the copy; the application never waits for one");
    counters(out, MIRRORS, "result", mirrors);
    PrometheusText.family(out, REVISION, "gauge", "Revision of the routing snapshot in force");
    out.append(REVISION).append(' ').append(revision.getAsLong()).append('\n');
    return out.toString();
  }

  /** One counter per value of {@code label}, in the values' order. */
  private static void counters(StringBuilder out, String name, String label, Map<String, LongAdder> byValue) {
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(byValue).entrySet()) {
      out.append(name).append('{');
      PrometheusText.label(out, label, e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
    }
  }
}
