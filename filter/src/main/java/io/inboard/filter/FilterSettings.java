package io.inboard.filter;

import io.inboard.core.mesh.Workload;
import io.inboard.core.propagation.PropagatedHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * How an {@link InboardFilter} behaves: which headers it captures, where it reports metrics, who
 * this service is (for metric labels), whether it generates missing request ids, and where its own
 * internal failures go (it never lets them reach the application).
 *
 * @param propagatedHeaders lower-case names to capture; read once per request, so a supplier backed
 *     by the snapshot in force follows config changes
 * @param self this service: namespace, service name, labels ({@code version} labels the metrics)
 * @param generateRequestId give a request without {@code x-request-id} a fresh one, as Envoy does
 * @param failures called with where and what when the filter itself fails
 */
public record FilterSettings(
    Supplier<Set<String>> propagatedHeaders,
    RequestMetrics metrics,
    Workload self,
    boolean generateRequestId,
    BiConsumer<String, Throwable> failures) {

  public FilterSettings {
    metrics = metrics == null ? RequestMetrics.NONE : metrics;
    self = self == null ? new Workload("default", null, Map.of()) : self;
    failures = failures == null ? new LogOnce() : failures;
    if (propagatedHeaders == null) {
      Set<String> standalone = PropagatedHeaders.of(null, Set.of());
      propagatedHeaders = () -> standalone;
    }
  }

  /**
   * Settings from a filter's init-parameters (web.xml or {@code FilterRegistration}); see the module
   * README for the table.
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong with its value
   */
  public static FilterSettings fromInitParameters(Map<String, String> params) {
    Set<String> headers =
        PropagatedHeaders.of(null, PropagatedHeaders.parseList(params.get("propagate"), "init-param propagate"));
    Map<String, String> labels = new LinkedHashMap<>(parseLabels(params.get("labels")));
    String version = params.get("version");
    if (version != null && !version.isBlank()) {
      labels.put("version", version.trim());
    }
    Workload self =
        new Workload(
            blankToNull(params.getOrDefault("namespace", "default"), "default"),
            blankToNull(params.get("service"), null),
            labels);
    String generate = params.getOrDefault("generate-request-id", "true").trim();
    if (!generate.equals("true") && !generate.equals("false")) {
      throw new IllegalArgumentException(
          "init-param generate-request-id: '" + generate + "' is not true or false");
    }
    RequestMetrics metrics = RequestMetrics.NONE;
    String metricsClass = params.get("metrics");
    if (metricsClass != null && !metricsClass.isBlank()) {
      metrics = instantiate(metricsClass.trim());
    }
    return new FilterSettings(() -> headers, metrics, self, Boolean.parseBoolean(generate), null);
  }

  /** Parses {@code version=v1,app=user}. */
  static Map<String, String> parseLabels(String list) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return labels;
    }
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "init-param labels: '" + entry.trim() + "' is not key=value; write e.g. version=v1,app=user");
      }
      labels.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return labels;
  }

  private static RequestMetrics instantiate(String className) {
    try {
      Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      return (RequestMetrics) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new IllegalArgumentException(
          "init-param metrics: cannot create '"
              + className
              + "' ("
              + e
              + "); give a public class implementing io.inboard.filter.RequestMetrics with a no-argument constructor",
          e);
    }
  }

  private static String blankToNull(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
