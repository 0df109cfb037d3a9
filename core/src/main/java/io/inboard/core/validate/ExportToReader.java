package io.inboard.core.validate;

import io.inboard.core.model.ExportTo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads and validates {@code exportTo} as Istio's {@code validateExportTo} does. */
final class ExportToReader {
  private ExportToReader() {}

  /**
   * The entries as written, each {@code .}, {@code *} or a namespace name; the bad ones are reported
   * and left out.
   *
   * @param namespace the resource's namespace, for the duplicate of {@code .} and its own name
   * @param selectorNote when not null, the resource is a DestinationRule with a workload selector, which
   *     only its own namespace may see, and this says so in the error
   */
  static List<String> read(Field f, String namespace, String selectorNote) {
    List<String> out = new ArrayList<>();
    // Each namespace named, to the entry that named it: '.' and the namespace's own name are the same one.
    Map<String, String> seen = new HashMap<>();
    List<Field> items = f.items();
    for (Field item : items) {
      String e = item.string();
      if (e == null) {
        continue;
      }
      String problem = problem(e);
      if (problem != null) {
        item.error(problem);
        continue;
      }
      String key = e.equals(ExportTo.OWN_NAMESPACE) && namespace != null ? namespace : e;
      String earlier = seen.putIfAbsent(key, e);
      if (earlier != null) {
        item.error(earlier.equals(e)
            ? "duplicate entry '" + e + "'; list each namespace once"
            : "'.' is this resource's own namespace " + namespace + ", which the list names already; keep one");
        continue;
      }
      if (selectorNote != null && !key.equals(namespace)) {
        item.error("a DestinationRule with workloadSelector applies only to workloads of its own namespace"
            + (namespace == null ? "" : " " + namespace) + ", so exportTo may only be '.'; " + selectorNote);
        continue;
      }
      out.add(e);
    }
    if (out.contains(ExportTo.EVERY_NAMESPACE) && items.size() > 1) {
      f.error("'*' exports to every namespace, so other entries beside it mean nothing; keep '*' alone, "
          + "or list the namespaces without '*'");
    }
    return out;
  }

  private static String problem(String e) {
    if (e.equals(ExportTo.OWN_NAMESPACE) || e.equals(ExportTo.EVERY_NAMESPACE)) {
      return null;
    }
    if (e.equals("~")) {
      return "'~' (visible to no one) is allowed only on a ServiceEntry; use '.' to keep this resource in its own "
          + "namespace";
    }
    if (!Names.isDns1123Label(e)) {
      return "'" + Names.abbreviate(e) + "' is not '.', '*' or a namespace name (a DNS-1123 label: lower-case "
          + "letters, digits and '-', at most 63); e.g. exportTo: ['.'] or exportTo: [shop]";
    }
    return null;
  }
}
