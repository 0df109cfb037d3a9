package io.inboard.core.validate;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a Kubernetes label map ({@code labels}, {@code sourceLabels}, {@code selector}). */
final class Labels {
  private Labels() {}

  static Map<String, String> read(Field f) {
    Map<String, String> out = new LinkedHashMap<>();
    f.entries().forEach((key, value) -> {
      String keyProblem = Names.labelKeyProblem(key);
      if (keyProblem != null) {
        value.error(keyProblem);
        return;
      }
      String v = value.scalarText();
      if (v == null) {
        if (!value.present()) {
          value.error("label '" + key + "' has no value; give one, e.g. " + key + ": v1");
        }
        return;
      }
      String valueProblem = Names.labelValueProblem(v);
      if (valueProblem != null) {
        value.error(valueProblem);
        return;
      }
      out.put(key, v);
    });
    return out;
  }
}
