package io.inboard.core.validate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The field names one object may have: the ones Inboard reads, the ones Istio has that Inboard
 * does not implement yet (a warning each), and the ones it ignores silently (fields a server
 * fills in, such as {@code metadata.uid}). Anything else is an unknown field: an error, with the
 * nearest known name when one is close.
 */
final class Schema {
  private final Set<String> known;
  private final Set<String> unsupported;
  private final Set<String> ignored;

  private Schema(Set<String> known, Set<String> unsupported, Set<String> ignored) {
    this.known = known;
    this.unsupported = unsupported;
    this.ignored = ignored;
  }

  static Schema of(String... known) {
    return new Schema(new LinkedHashSet<>(List.of(known)), Set.of(), Set.of());
  }

  /** Istio fields that Inboard accepts but does not apply yet: each one present gets a warning. */
  Schema unsupported(String... names) {
    return new Schema(known, new LinkedHashSet<>(List.of(names)), ignored);
  }

  /** Fields accepted without a word, because they carry nothing Inboard could act on. */
  Schema ignored(String... names) {
    return new Schema(known, unsupported, new LinkedHashSet<>(List.of(names)));
  }

  boolean isUnsupported(String name) {
    return unsupported.contains(name);
  }

  /** Reports unknown and unsupported fields of {@code object}, which must be an object node. */
  void check(Field object) {
    for (Iterator<String> it = object.json().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (known.contains(name) || ignored.contains(name)) {
        continue;
      }
      Field field = object.get(name);
      if (unsupported.contains(name)) {
        field.warning(name + " is not supported by Inboard yet; ignored");
        continue;
      }
      String nearest = nearest(name);
      field.error(
          nearest != null
              ? "unknown field; did you mean " + nearest + "?"
              : "unknown field; known fields here are " + String.join(", ", allNames()));
    }
  }

  private List<String> allNames() {
    List<String> all = new ArrayList<>(known);
    all.addAll(unsupported);
    return all;
  }

  /** The known name closest to {@code name} (typo distance), or {@code null} when none is close. */
  String nearest(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String candidate : allNames()) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    int allowed = Math.max(1, Math.min(3, name.length() / 3));
    return bestDistance <= allowed ? best : null;
  }

  // Edit distance (optimal string alignment): a swap of two adjacent letters counts as one typo.
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
