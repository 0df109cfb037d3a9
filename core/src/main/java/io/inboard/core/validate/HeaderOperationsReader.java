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
    return new Headers(operations(f.get("request")), operations(f.get("response")));
  }

  private static HeaderOperations operations(Field f) {
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
      if (problem != null) {
        item.error(problem);
      } else {
        remove.add(name);
      }
    }
    return new HeaderOperations(values(f.get("set")), values(f.get("add")), remove);
  }

  private static Map<String, String> values(Field f) {
    Map<String, String> out = new LinkedHashMap<>();
    f.entries().forEach((name, value) -> {
      String problem = HeaderNames.nameProblem(name);
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
