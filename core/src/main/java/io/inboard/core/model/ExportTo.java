package io.inboard.core.model;

import java.util.List;
import java.util.Map;

/**
 * Istio's {@code exportTo} visibility of a VirtualService or DestinationRule: {@code .} is the
 * resource's own namespace, {@code *} every namespace, any other entry the namespace of that name;
 * an empty list is every namespace (Istio's default when meshConfig sets no
 * {@code defaultVirtualServiceExportTo} / {@code defaultDestinationRuleExportTo}).
 */
public final class ExportTo {
  /** Istio's {@code visibility.Private}. */
  public static final String OWN_NAMESPACE = ".";
  /** Istio's {@code visibility.Public}. */
  public static final String EVERY_NAMESPACE = "*";

  private ExportTo() {}

  /** Whether a resource of {@code ownNamespace} exported to {@code exportTo} is visible in {@code namespace}. */
  public static boolean reaches(List<String> exportTo, String ownNamespace, String namespace) {
    if (exportTo.isEmpty()) {
      return true;
    }
    for (String e : exportTo) {
      if (e.equals(EVERY_NAMESPACE) || e.equals(namespace)
          || (e.equals(OWN_NAMESPACE) && ownNamespace.equals(namespace))) {
        return true;
      }
    }
    return false;
  }

  /** Whether it reaches {@code namespace}, as {@link #reaches}; a DestinationRule with a workload selector only its own. */
  public static boolean reaches(DestinationRule dr, String namespace) {
    String own = dr.metadata().namespace();
    if (dr.spec().workloadSelector() != null) {
      return own.equals(namespace);
    }
    return reaches(dr.spec().exportTo(), own, namespace);
  }

  /** Whether a VirtualService is visible in {@code namespace}. */
  public static boolean reaches(VirtualService vs, String namespace) {
    return reaches(vs.spec().exportTo(), vs.metadata().namespace(), namespace);
  }

  /**
   * Whether the rule is exported to its own namespace only ({@code [.]} or {@code [its namespace]}, or it
   * has a workload selector): Istio keeps such rules out of its index of rules other namespaces may
   * take (so in the root namespace, they serve only that namespace's own proxies).
   */
  public static boolean ownNamespaceOnly(DestinationRule dr) {
    if (dr.spec().workloadSelector() != null) {
      return true;
    }
    List<String> e = dr.spec().exportTo();
    return e.size() == 1 && (e.get(0).equals(OWN_NAMESPACE) || e.get(0).equals(dr.metadata().namespace()));
  }

  /** Whether a workload selector's labels are all among {@code labels} (Istio's {@code SubsetOf}). */
  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels.entrySet().containsAll(selector.entrySet());
  }

  /** How the resource's {@code exportTo} reads in a message: {@code [., shop]}, or every namespace. */
  public static String describe(List<String> exportTo) {
    return exportTo.isEmpty() ? "every namespace" : "[" + String.join(", ", exportTo) + "]";
  }
}
