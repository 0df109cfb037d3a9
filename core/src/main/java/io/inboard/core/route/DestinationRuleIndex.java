package io.inboard.core.route;

import io.inboard.core.mesh.Workload;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.DestinationRuleSpec;
import io.inboard.core.model.ExportTo;
import io.inboard.core.model.Subset;
import io.inboard.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which DestinationRule applies to a host for one workload, as Istio chooses it for a proxy
 * ({@code PushContext.destinationRule}, then {@code SidecarScope.DestinationRule}): the first of
 * <ol>
 *   <li>the rules of the workload's own namespace visible there (for a workload of the root namespace,
 *       only those exported to it alone);
 *   <li>the rules of the host's namespace exported to the workload's namespace;
 *   <li>the rules of the root namespace ({@value #ROOT_NAMESPACE}) exported to it;
 * </ol>
 * each level taking the most specific host (the exact name, else the longest wildcard). Within the level
 * found, a rule of the workload's namespace whose {@code workloadSelector} its labels match wins over
 * one without a selector; when the level has only selectors that do not match, no rule applies (Istio
 * does not look further); several rules without one, of one namespace, merge ({@link #merged}). Built once
 * per snapshot; asked only while a route table is compiled.
 */
final class DestinationRuleIndex {
  /** Istio's default {@code meshConfig.rootNamespace}. */
  static final String ROOT_NAMESPACE = "istio-system";

  /** Rules by namespace, then by resolved host ({@code *.example.com} for wildcards), in resource order. */
  private final Map<String, Map<String, List<DestinationRule>>> byNamespace = new LinkedHashMap<>();

  DestinationRuleIndex(List<DestinationRule> rules) {
    for (DestinationRule dr : rules) {
      if (dr.spec() == null || dr.spec().host() == null) {
        continue;
      }
      String host = HostNames.resolve(dr.spec().host(), dr.metadata().namespace());
      byNamespace.computeIfAbsent(dr.metadata().namespace(), n -> new LinkedHashMap<>())
          .computeIfAbsent(host, h -> new ArrayList<>()).add(dr);
    }
  }

  /** The rule that applies to traffic from {@code workload} to {@code host} (a resolved name), or {@code null}. */
  DestinationRule ruleFor(String host, Workload workload) {
    String client = workload.namespace();
    boolean inRoot = client.equals(ROOT_NAMESPACE);
    List<DestinationRule> found =
        mostSpecific(host, client, dr -> inRoot ? ExportTo.ownNamespaceOnly(dr) : ExportTo.reaches(dr, client));
    if (found != null) {
      return choose(found, workload);
    }
    String serviceNamespace = serviceNamespace(host);
    if (serviceNamespace != null) {
      found = mostSpecific(host, serviceNamespace, dr -> exportedTo(dr, client));
    } else {
      // A name outside the cluster has no namespace of its own (Istio would take its ServiceEntry's):
      // the first namespace with a rule for it exported here stands in for it.
      for (String ns : byNamespace.keySet()) {
        if (!ns.equals(client) && !ns.equals(ROOT_NAMESPACE) && found == null) {
          found = mostSpecific(host, ns, dr -> exportedTo(dr, client));
        }
      }
    }
    if (found == null) {
      found = mostSpecific(host, ROOT_NAMESPACE, dr -> exportedTo(dr, client));
    }
    return found == null ? null : choose(found, workload);
  }

  /** A rule that other namespaces' workloads may take: exported beyond its own namespace, and to {@code client}. */
  private static boolean exportedTo(DestinationRule dr, String client) {
    return !ExportTo.ownNamespaceOnly(dr) && ExportTo.reaches(dr, client);
  }

  /** {@code ns} of {@code name.ns.svc.cluster.local}, or {@code null}. */
  private static String serviceNamespace(String host) {
    if (!host.endsWith(HostNames.CLUSTER_SUFFIX)) {
      return null;
    }
    String serviceAndNs = host.substring(0, host.length() - HostNames.CLUSTER_SUFFIX.length());
    int dot = serviceAndNs.indexOf('.');
    return dot < 0 || serviceAndNs.indexOf('.', dot + 1) >= 0 ? null : serviceAndNs.substring(dot + 1);
  }

  /** The rules of {@code namespace} that pass {@code visible}, for the most specific host matching {@code host}. */
  private List<DestinationRule> mostSpecific(String host, String namespace, Predicate<DestinationRule> visible) {
    Map<String, List<DestinationRule>> hosts = byNamespace.get(namespace);
    if (hosts == null) {
      return null;
    }
    List<DestinationRule> found = visibleOf(hosts.get(host), visible);
    for (int dot = host.indexOf('.'); found == null && dot >= 0; dot = host.indexOf('.', dot + 1)) {
      found = visibleOf(hosts.get("*" + host.substring(dot)), visible);
    }
    return found;
  }

  private static List<DestinationRule> visibleOf(List<DestinationRule> rules, Predicate<DestinationRule> visible) {
    if (rules == null) {
      return null;
    }
    List<DestinationRule> out = new ArrayList<>(rules.size());
    for (DestinationRule dr : rules) {
      if (visible.test(dr)) {
        out.add(dr);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /**
   * A rule whose selector the workload matches, else the rules without a selector merged as Istio merges
   * several for one host in one namespace ({@link #merged}).
   */
  private static DestinationRule choose(List<DestinationRule> rules, Workload workload) {
    DestinationRule catchAll = null;
    for (DestinationRule dr : rules) {
      Map<String, String> selector = dr.spec().workloadSelector();
      if (selector == null) {
        catchAll = catchAll == null ? dr : merged(catchAll, dr);
      } else if (dr.metadata().namespace().equals(workload.namespace()) && ExportTo.selects(selector, workload.labels())) {
        return dr;
      }
    }
    return catchAll;
  }

  /**
   * {@code first} with the subsets of {@code later} it does not define, and {@code later}'s
   * {@code trafficPolicy} when it has none, as Istio's {@code mergeDestinationRule}; rules exported to
   * different namespaces stay apart there, so {@code later} then adds nothing.
   */
  private static DestinationRule merged(DestinationRule first, DestinationRule later) {
    if (!Set.copyOf(first.spec().exportTo()).equals(Set.copyOf(later.spec().exportTo()))) {
      return first;
    }
    List<Subset> subsets = new ArrayList<>(first.spec().subsets());
    Set<String> names = new HashSet<>();
    first.spec().subsets().forEach(s -> names.add(s.name()));
    for (Subset s : later.spec().subsets()) {
      if (names.add(s.name())) {
        subsets.add(s);
      }
    }
    DestinationRuleSpec spec = first.spec();
    TrafficPolicy policy = spec.trafficPolicy() != null ? spec.trafficPolicy() : later.spec().trafficPolicy();
    return new DestinationRule(first.apiVersion(), first.metadata(),
        new DestinationRuleSpec(spec.host(), policy, subsets, spec.exportTo(), null));
  }
}
