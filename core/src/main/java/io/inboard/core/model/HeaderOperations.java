package io.inboard.core.model;

import java.util.List;
import java.util.Map;

/** Istio's {@code HeaderOperations}: headers to set (overwrite), add (append) and remove. */
public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
  public static final HeaderOperations NONE = new HeaderOperations(Map.of(), Map.of(), List.of());

  public HeaderOperations {
    set = set == null ? Map.of() : Map.copyOf(set);
    add = add == null ? Map.of() : Map.copyOf(add);
    remove = remove == null ? List.of() : List.copyOf(remove);
  }

  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }
}
