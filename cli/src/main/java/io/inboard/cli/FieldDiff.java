package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The fields in which two JSON documents differ, each named by its path as validation messages name
 * them ({@code spec.http[0].route[1].weight}): {@code ~} a value that changed, {@code +} one only
 * the new document has, {@code -} one only the old has. Numbers are compared by value (a weight of
 * {@code 90} equals {@code 90.0}); list items by position, as Istio reads rule order as meaning.
 */
final class FieldDiff {
  /** One difference; {@code before} or {@code after} is {@code null} where the field is absent. */
  record Change(String path, JsonNode before, JsonNode after) {
    char sign() {
      return before == null ? '+' : after == null ? '-' : '~';
    }

    @Override
    public String toString() {
      return switch (sign()) {
        case '+' -> "+ " + path + ": " + compact(after);
        case '-' -> "- " + path + ": " + compact(before);
        default -> "~ " + path + ": " + compact(before) + " -> " + compact(after);
      };
    }
  }

  private FieldDiff() {}

  /** The differences from {@code before} to {@code after} under {@code path}, in document order. */
  static List<Change> between(String path, JsonNode before, JsonNode after) {
    List<Change> out = new ArrayList<>();
    walk(path, missingAsNull(before), missingAsNull(after), out);
    return out;
  }

  private static void walk(String path, JsonNode before, JsonNode after, List<Change> out) {
    if (before == null && after == null) {
      return;
    }
    if (before == null || after == null) {
      out.add(new Change(path, before, after));
    } else if (before.isObject() && after.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      before.fieldNames().forEachRemaining(names::add);
      // The new document's order first, so the listing reads like the file being applied.
      List<String> ordered = new ArrayList<>();
      for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        ordered.add(name);
        names.remove(name);
      }
      ordered.addAll(names);
      for (String name : ordered) {
        walk(path.isEmpty() ? name : path + "." + name, before.get(name), after.get(name), out);
      }
    } else if (before.isArray() && after.isArray()) {
      int n = Math.max(before.size(), after.size());
      for (int i = 0; i < n; i++) {
        walk(path + "[" + i + "]", i < before.size() ? before.get(i) : null, i < after.size() ? after.get(i) : null,
            out);
      }
    } else if (!same(before, after)) {
      out.add(new Change(path, before, after));
    }
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static JsonNode missingAsNull(JsonNode node) {
    return node == null || node.isMissingNode() ? null : node;
  }

  static String compact(JsonNode node) {
    return node.isTextual() ? node.asText() : node.toString();
  }
}
