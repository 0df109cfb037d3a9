package io.inboard.core.validate;

import io.inboard.core.model.StringMatch;
import java.util.ArrayList;
import java.util.List;

/** Reads Istio's {@code StringMatch}: exactly one of exact, prefix, regex (or {@code {}}: present). */
final class StringMatches {
  private static final Schema SCHEMA = Schema.of("exact", "prefix", "regex");

  private StringMatches() {}

  /**
   * @param presentAllowed whether {@code {}} ("the header is present") is allowed here: it is for
   *     headers, withoutHeaders and queryParams, not for uri, scheme, method or authority
   */
  static StringMatch read(Field f, boolean presentAllowed) {
    if (!f.present()) {
      if (f.json() != null && f.json().isNull() && presentAllowed) {
        f.error("has no value; write {} to require that it is present, or {exact: VALUE}");
      }
      return null;
    }
    if (f.json().isTextual()) {
      f.error("must be a mapping; write the match as {exact: " + f.json().textValue()
          + "} (or prefix, regex)");
      return null;
    }
    if (!f.object(SCHEMA)) {
      return null;
    }
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("exact", "prefix", "regex")) {
      if (f.get(k).present()) {
        kinds.add(k);
      }
    }
    if (kinds.isEmpty()) {
      if (presentAllowed && f.json().size() == 0) {
        return StringMatch.present();
      }
      if (f.json().size() == 0) {
        f.error("is empty; give one of exact, prefix or regex");
      }
      return null;
    }
    if (kinds.size() > 1) {
      f.error("has " + String.join(" and ", kinds) + "; give only one of exact, prefix or regex");
      return null;
    }
    Field value = f.get(kinds.get(0));
    String s = value.string();
    if (s == null) {
      return null;
    }
    return switch (kinds.get(0)) {
      case "exact" -> StringMatch.exact(s);
      case "prefix" -> StringMatch.prefix(s);
      default -> {
        String problem = Regexes.problem(s);
        if (problem != null) {
          value.error(problem);
          yield null;
        }
        yield StringMatch.regex(s);
      }
    };
  }
}
