package io.inboard.core.validate;

import io.inboard.core.model.HeaderOperations;
import io.inboard.core.model.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code headers: {request: {set, add, remove}, response: {...}}}. */
final class HeaderOperationsReader {
  private static final Schema HEADERS = Schema.of("request", "response");
  private static final Schema OPERATIONS = Schema.of("set", "add", "remove");

  private HeaderOperationsReader() {}

  static Headers read(Field f) {
    if (!f.object(HEADERS)) {
      return Headers.NONE;
    }
    return new Headers(operations(f.get("request"), true), operations(f.get("response"), false));
  }

  /**
   * Why this operation may not name the Host header, or {@code null}. As in Istio, a request's
   * Host may be set or added (that is how its authority is changed) but not removed, and a
   * response has no Host to set, add or remove.
   */
  private static String hostProblem(String name, boolean request, String operation) {
    if (!name.equalsIgnoreCase("host")) {
      return null;
    }
    return request
        ? "'" + name + "' cannot be removed: every request carries a Host header (to change it, "
            + "set it, or use rewrite.authority)"
        : "'" + name + "' is a request header; it cannot be " + operation + " on a response";
  }

  private static HeaderOperations operations(Field f, boolean request) {
    if (!f.object(OPERATIONS)) {
      return HeaderOperations.NONE;
    }
    List<String> remove = new ArrayList<>();
    for (Field item : f.get("remove").items()) {
      String name = item.string();
      if (name == null) {
        continue;
      }
      String problem = HeaderNames.nameProblem(name);
      if (problem == null) {
        problem = hostProblem(name, request, "removed");
      }
      if (problem != null) {
        item.error(problem);
      } else {
        remove.add(name);
      }
    }
    return new HeaderOperations(values(f.get("set"), request ? null : "set"),
        values(f.get("add"), request ? null : "added"), remove);
  }

  /** @param responseOperation "set" or "added" for a response's operations, null for a request's */
  private static Map<String, String> values(Field f, String responseOperation) {
    Map<String, String> out = new LinkedHashMap<>();
    f.entries().forEach((name, value) -> {
      String problem = HeaderNames.nameProblem(name);
      if (problem == null && responseOperation != null) {
        problem = hostProblem(name, false, responseOperation);
      }
      if (problem != null) {
        value.error(problem);
        return;
      }
      String v = value.scalarText();
      if (v == null) {
        if (!value.present()) {
          value.error("has no value; give the header value, or use remove to delete the header");
        }
        return;
      }
      String valueProblem = HeaderNames.valueProblem(v);
      if (valueProblem != null) {
        value.error(valueProblem);
        return;
      }
      out.put(name, v);
    });
    return out;
  }
}
