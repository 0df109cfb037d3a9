package io.inboard.core.propagation;

import io.inboard.core.snapshot.Snapshot;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The set of header names carried from an inbound request to its outbound calls: what the rules in
 * force need ({@link Snapshot#propagatedHeaders()}: consistent-hash headers, headers any match
 * tests, trace headers), the {@link TraceHeaders} always, plus the names the user configured
 * ({@code propagate} option).
 */
public final class PropagatedHeaders {
  private PropagatedHeaders() {}

  /**
   * Parses a configured list such as {@code "my-header, Mode,x-tenant"} into lower-case names.
   *
   * @param where names the setting in error messages, e.g. {@code "option propagate"}
   * @throws IllegalArgumentException naming the offending entry when one is not a valid header name
   */
  public static Set<String> parseList(String list, String where) {
    Set<String> names = new LinkedHashSet<>();
    if (list == null || list.isBlank()) {
      return Set.of();
    }
    for (String entry : list.split(",")) {
      String name = entry.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!isToken(name)) {
        throw new IllegalArgumentException(
            where
                + ": '"
                + name
                + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only);"
                + " give a comma-separated list such as my-header,mode");
      }
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(names);
  }

  /**
   * The names to propagate under {@code snapshot} (may be {@code null}) plus {@code extras}. Compute
   * it once per snapshot, not per request.
   */
  public static Set<String> of(Snapshot snapshot, Collection<String> extras) {
    Set<String> names = new LinkedHashSet<>(TraceHeaders.NAMES);
    if (snapshot != null) {
      try {
        for (String name : snapshot.propagatedHeaders()) {
          names.add(name.toLowerCase(Locale.ROOT));
        }
      } catch (UnsupportedOperationException notCompiled) {
        // A snapshot that cannot list its headers still propagates the trace headers and extras.
      }
    }
    for (String name : extras) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(names);
  }

  /** RFC 9110 token characters, the only ones a header name may have. */
  static boolean isToken(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return !name.isEmpty();
  }
}
