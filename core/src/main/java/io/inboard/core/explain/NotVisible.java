package io.inboard.core.explain;

import io.inboard.core.mesh.Workload;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.ExportTo;
import io.inboard.core.model.VirtualService;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.HostNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What explain says of the resources the workload does not see: a VirtualService for the request's host
 * not exported to its namespace, a DestinationRule for the destination not exported there or whose
 * {@code workloadSelector} does not select it. Worked out per explained request, never on the request path.
 */
final class NotVisible {
  private NotVisible() {}

  /**
   * @param authority the request's authority, as written (a port is ignored)
   * @param destinationHost the resolved destination host, or {@code null} when none was chosen
   */
  static List<String> of(List<ParsedResource> resources, Workload workload, String authority, String destinationHost) {
    String ns = workload.namespace();
    Set<String> asked = names(withoutPort(authority), ns);
    List<String> out = new ArrayList<>();
    for (ParsedResource p : resources) {
      if (p.resource() instanceof VirtualService vs && !ExportTo.reaches(vs, ns) && serves(vs, asked)) {
        out.add("VirtualService " + vs.key() + " is not exported to namespace " + ns + " (exportTo "
            + ExportTo.describe(vs.spec().exportTo()) + "), so it does not route this request");
      } else if (p.resource() instanceof DestinationRule dr && destinationHost != null
          && appliesTo(dr, destinationHost)) {
        String why = whyNot(dr, workload);
        if (why != null) {
          out.add("DestinationRule " + dr.key() + " " + why + ", so it does not apply to " + destinationHost);
        }
      }
    }
    return out;
  }

  private static String whyNot(DestinationRule dr, Workload workload) {
    String own = dr.metadata().namespace();
    if (dr.spec().workloadSelector() != null) {
      if (!own.equals(workload.namespace())) {
        return "has a workloadSelector, which selects workloads of its own namespace " + own + " only";
      }
      return ExportTo.selects(dr.spec().workloadSelector(), workload.labels()) ? null
          : "selects workloads with labels " + dr.spec().workloadSelector() + ", which this workload does not have";
    }
    return ExportTo.reaches(dr.spec().exportTo(), own, workload.namespace()) ? null
        : "is not exported to namespace " + workload.namespace() + " (exportTo " + ExportTo.describe(dr.spec().exportTo()) + ")";
  }

  private static boolean serves(VirtualService vs, Set<String> asked) {
    for (String h : vs.spec().hosts()) {
      if (asked.contains(HostNames.resolve(h, vs.metadata().namespace()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean appliesTo(DestinationRule dr, String host) {
    if (dr.spec() == null || dr.spec().host() == null) {
      return false;
    }
    String h = HostNames.resolve(dr.spec().host(), dr.metadata().namespace());
    return h.equals(host) || (h.startsWith("*") && host.endsWith(h.substring(1)));
  }

  private static String withoutPort(String authority) {
    int colon = authority.lastIndexOf(':');
    return colon > 0 && authority.indexOf(']', colon) < 0 ? authority.substring(0, colon) : authority;
  }

  /** The names {@code host} may stand for, seen from {@code namespace}: as written and its Kubernetes DNS forms. */
  private static Set<String> names(String host, String namespace) {
    String h = host.toLowerCase(Locale.ROOT);
    return new HashSet<>(List.of(h, HostNames.resolve(h, namespace), h + ".svc.cluster.local", h + ".cluster.local"));
  }
}
