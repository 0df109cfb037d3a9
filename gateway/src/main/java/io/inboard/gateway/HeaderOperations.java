package io.inboard.gateway;

import io.inboard.core.route.Decision;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;

/** Applies a rule's header operations to a set of headers in Istio's order: remove, set, add. */
final class HeaderOperations {
  private HeaderOperations() {}

  static void apply(Decision.HeaderOps ops, HttpFields.Mutable headers) {
    if (ops == null || ops.isEmpty()) {
      return;
    }
    for (String name : ops.remove()) {
      headers.remove(name);
    }
    for (Map.Entry<String, String> set : ops.set().entrySet()) {
      headers.put(set.getKey(), set.getValue());
    }
    for (Map.Entry<String, String> add : ops.add().entrySet()) {
      headers.add(add.getKey(), add.getValue());
    }
  }
}
