package io.inboard.core.route;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Locality;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.LocalityLbSetting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Forms a destination's {@link LocalityLoadBalancer} for one caller from its
 * {@code localityLbSetting}, as Istio assigns Envoy priorities and locality weights: once per
 * snapshot, when the table is compiled for the caller's view.
 */
final class LocalityGroups {
  private LocalityGroups() {}

  /**
   * The grouping of {@code endpoints} for {@code caller}, or {@code null} when locality changes
   * nothing for it (turned off, failover without outlier detection, every instance in one group, or
   * no {@code distribute} entry for the caller's locality): the request path then checks one
   * reference.
   *
   * @param given the destination's {@code localityLbSetting}, or {@code null}: Istio's default (failover)
   * @param outlierDetection whether the destination has outlier detection, which failover needs
   */
  static LocalityLoadBalancer compile(LocalityLbSetting given, boolean outlierDetection, List<Instance> endpoints,
      Workload caller) {
    LocalityLbSetting setting = given == null ? LocalityLbSetting.DEFAULT : given;
    if (!setting.enabled() || endpoints.size() < 2 || caller == null) {
      return null;
    }
    Map<String, String> callerLabels = caller.labels();
    Locality from = Locality.of(callerLabels);
    if (!setting.distribute().isEmpty()) {
      return distribute(setting, from, endpoints);
    }
    // As Istio: without outlier detection no instance is ever unhealthy, so traffic would never
    // leave the first priority; Istio then leaves failover out altogether.
    return outlierDetection ? failover(setting, from, callerLabels, endpoints) : null;
  }

  /** Explain's line for a destination whose {@code localityLbSetting} changes nothing, or {@code null}. */
  static String inactiveReason(LocalityLbSetting given, boolean outlierDetection, List<Instance> endpoints,
      Workload caller) {
    if (given == null) {
      return null;
    }
    if (caller == null) {
      return "localityLbSetting: not applied, the calling workload is not known (explain a request with its from)";
    }
    Locality from = Locality.of(caller.labels());
    if (!given.enabled()) {
      return "localityLbSetting: disabled (enabled: false)";
    }
    if (given.distribute().isEmpty() && !outlierDetection) {
      return "localityLbSetting: failover takes effect only with outlierDetection; every instance is balanced alike";
    }
    if (!given.distribute().isEmpty() && given.distribute().stream().noneMatch(d -> from.matches(d.from()))) {
      return "localityLbSetting: no distribute entry's from matches the caller's locality " + from
          + "; every instance is balanced alike";
    }
    return "localityLbSetting: every instance is in the same group for the caller at " + from
        + "; every instance is balanced alike";
  }

  private static LocalityLoadBalancer failover(LocalityLbSetting setting, Locality from, Map<String, String> callerLabels,
      List<Instance> endpoints) {
    List<String> keys = setting.failoverPriority();
    boolean byLocality = keys.isEmpty() || !setting.failover().isEmpty();
    // Istio's numbering: the failoverPriority level times 5, plus the locality level (0-4) when used.
    int[] raw = new int[endpoints.size()];
    TreeMap<Integer, List<Instance>> byPriority = new TreeMap<>();
    Map<Integer, String> why = new LinkedHashMap<>();
    for (int i = 0; i < raw.length; i++) {
      Instance e = endpoints.get(i);
      Locality at = Locality.of(e.labels());
      int level = 0;
      String reason = "";
      if (!keys.isEmpty()) {
        int matched = matchedLeading(keys, callerLabels, from, e.labels(), at);
        level = (keys.size() - matched) * 5;
        reason = matched == 0 ? "matches none of failoverPriority" : "matches " + keys.subList(0, matched);
      }
      if (byLocality) {
        int l = localityLevel(from, at, setting.failover());
        level += l;
        reason = (reason.isEmpty() ? "" : reason + ", ") + localityReason(l, from, setting.failover());
      }
      raw[i] = level;
      byPriority.computeIfAbsent(level, k -> new ArrayList<>()).add(e);
      why.putIfAbsent(level, reason);
    }
    if (byPriority.size() < 2) {
      return null;
    }
    // Envoy's priorities run from 0 without gaps.
    Map<Integer, Integer> compact = new LinkedHashMap<>();
    List<List<Instance>> groups = new ArrayList<>();
    String[] names = new String[byPriority.size()];
    StringBuilder summary = new StringBuilder("locality failover for the caller at ").append(from)
        .append(keys.isEmpty() ? "" : ", failoverPriority " + keys).append(":");
    for (Map.Entry<Integer, List<Instance>> p : byPriority.entrySet()) {
      int n = groups.size();
      compact.put(p.getKey(), n);
      groups.add(List.copyOf(p.getValue()));
      names[n] = "priority " + n + " (" + why.get(p.getKey()) + ")";
      summary.append(n == 0 ? " " : "; ").append(names[n]).append(' ').append(ids(p.getValue()));
    }
    int[] groupOf = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      groupOf[i] = compact.get(raw[i]);
    }
    double[] shares = new double[groups.size()];
    shares[0] = 100;
    return new LocalityLoadBalancer(false, groupOf, List.copyOf(groups), shares, names, summary.toString());
  }

  /**
   * How many of {@code keys}, from the first, the endpoint shares with the caller (a {@code key=value}
   * entry asks for that value instead of the caller's); the locality labels read the parsed localities,
   * so {@code istio-locality} counts too.
   */
  private static int matchedLeading(List<String> keys, Map<String, String> callerLabels, Locality from,
      Map<String, String> labels, Locality at) {
    int matched = 0;
    for (String key : keys) {
      int eq = key.indexOf('=');
      String name = eq < 0 ? key : key.substring(0, eq);
      String want = eq < 0 ? label(callerLabels, from, name) : key.substring(eq + 1);
      String have = label(labels, at, name);
      if (want == null || !want.equals(have)) {
        break;
      }
      matched++;
    }
    return matched;
  }

  private static String label(Map<String, String> labels, Locality locality, String name) {
    String part = switch (name) {
      case Locality.REGION_LABEL -> locality.region();
      case Locality.ZONE_LABEL -> locality.zone();
      case Locality.SUBZONE_LABEL -> locality.subzone();
      default -> null;
    };
    return part != null && !part.isEmpty() ? part : labels.get(name);
  }

  /**
   * Istio's locality level of an endpoint for a caller: 0 same region, zone and subzone; 1 same
   * region and zone; 2 same region; 3 another region, or, when a {@code failover} entry is from the
   * caller's region, 3 for its {@code to} region and 4 for every other.
   */
  static int localityLevel(Locality from, Locality at, List<LocalityLbSetting.Failover> failover) {
    int shared = from.sharedParts(at);
    if (shared > 0) {
      return 3 - shared;
    }
    for (LocalityLbSetting.Failover f : failover) {
      if (f.from().equals(from.region())) {
        return at.region().equals(f.to()) ? 3 : 4;
      }
    }
    return 3;
  }

  private static String localityReason(int level, Locality from, List<LocalityLbSetting.Failover> failover) {
    switch (level) {
      case 0:
        return "same locality";
      case 1:
        return "same zone";
      case 2:
        return "same region";
      default:
        for (LocalityLbSetting.Failover f : failover) {
          if (f.from().equals(from.region())) {
            return level == 3 ? "failover region " + f.to() : "other regions";
          }
        }
        return "other regions";
    }
  }

  /**
   * Istio's {@code distribute}: the first entry whose {@code from} matches the caller; each {@code to}
   * locality (in order) takes the localities it matches that no earlier one took, sharing its weight
   * among them by their instance counts; localities no entry names get no traffic.
   */
  private static LocalityLoadBalancer distribute(LocalityLbSetting setting, Locality from, List<Instance> endpoints) {
    LocalityLbSetting.Distribute entry = null;
    for (LocalityLbSetting.Distribute d : setting.distribute()) {
      if (from.matches(d.from())) {
        entry = d;
        break;
      }
    }
    if (entry == null) {
      return null;
    }
    Map<Locality, List<Instance>> byLocality = new LinkedHashMap<>();
    for (Instance e : endpoints) {
      byLocality.computeIfAbsent(Locality.of(e.labels()), k -> new ArrayList<>()).add(e);
    }
    Map<Locality, Double> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> to : entry.to().entrySet()) {
      int total = 0;
      List<Locality> matched = new ArrayList<>();
      for (Map.Entry<Locality, List<Instance>> l : byLocality.entrySet()) {
        if (!weights.containsKey(l.getKey()) && !matched.contains(l.getKey()) && l.getKey().matches(to.getKey())) {
          matched.add(l.getKey());
          total += l.getValue().size();
        }
      }
      for (Locality l : matched) {
        weights.put(l, (double) to.getValue() * byLocality.get(l).size() / total);
      }
    }
    weights.values().removeIf(w -> w <= 0);
    if (weights.isEmpty()) {
      return null;
    }
    if (weights.size() == 1 && byLocality.size() == 1) {
      return null;
    }
    List<List<Instance>> groups = new ArrayList<>();
    double[] shares = new double[weights.size()];
    String[] names = new String[weights.size()];
    Map<Locality, Integer> index = new LinkedHashMap<>();
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder summary = new StringBuilder("locality distribute for the caller at ").append(from)
        .append(" (entry from ").append(entry.from()).append("):");
    for (Map.Entry<Locality, Double> w : weights.entrySet()) {
      int n = groups.size();
      index.put(w.getKey(), n);
      groups.add(List.copyOf(byLocality.get(w.getKey())));
      shares[n] = w.getValue() * 100 / sum;
      names[n] = "locality " + w.getKey();
      summary.append(n == 0 ? " " : ", ").append(names[n]).append(' ').append(LocalityLoadBalancer.round(shares[n])).append("% ")
          .append(ids(byLocality.get(w.getKey())));
    }
    List<Locality> left = byLocality.keySet().stream().filter(l -> !weights.containsKey(l)).toList();
    if (!left.isEmpty()) {
      summary.append("; no traffic to ").append(left);
    }
    int[] groupOf = new int[endpoints.size()];
    for (int i = 0; i < groupOf.length; i++) {
      groupOf[i] = index.getOrDefault(Locality.of(endpoints.get(i).labels()), -1);
    }
    return new LocalityLoadBalancer(true, groupOf, List.copyOf(groups), shares, names, summary.toString());
  }

  private static String ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).toList().toString();
  }
}
