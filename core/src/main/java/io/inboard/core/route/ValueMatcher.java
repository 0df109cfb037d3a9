package io.inboard.core.route;

import com.google.re2j.Pattern;
import io.inboard.core.model.StringMatch;

/**
 * One compiled {@link StringMatch}: exact, prefix, RE2 regex (whole value, compiled once per
 * snapshot) or present. {@code ignoreCase} is used for uri exact and prefix matches only.
 */
final class ValueMatcher {
  enum Kind {
    EXACT,
    PREFIX,
    REGEX,
    PRESENT
  }

  final Kind kind;
  final String value;
  private final Pattern pattern;
  private final boolean ignoreCase;
  /** E.g. {@code exact "dev"}; built once for explain traces. */
  final String description;

  private ValueMatcher(Kind kind, String value, boolean ignoreCase) {
    this.kind = kind;
    this.value = value;
    this.ignoreCase = ignoreCase;
    this.pattern = kind == Kind.REGEX ? Pattern.compile(value) : null;
    String d = kind == Kind.PRESENT ? "present" : kind.name().toLowerCase() + " \"" + value + "\"";
    this.description = ignoreCase ? d + " (ignoring case)" : d;
  }

  static ValueMatcher of(StringMatch match, boolean ignoreCase) {
    if (match == null) {
      return null;
    }
    if (match instanceof StringMatch.Exact e) {
      return new ValueMatcher(Kind.EXACT, e.value(), ignoreCase);
    } else if (match instanceof StringMatch.Prefix p) {
      return new ValueMatcher(Kind.PREFIX, p.value(), ignoreCase);
    } else if (match instanceof StringMatch.Regex r) {
      return new ValueMatcher(Kind.REGEX, r.pattern(), false);
    } else {
      return new ValueMatcher(Kind.PRESENT, null, false);
    }
  }

  /** Whether {@code actual} (null when absent) satisfies this match. Absent never matches. */
  boolean matches(String actual) {
    if (actual == null) {
      return false;
    }
    switch (kind) {
      case EXACT:
        return ignoreCase ? actual.equalsIgnoreCase(value) : actual.equals(value);
      case PREFIX:
        return actual.regionMatches(ignoreCase, 0, value, 0, value.length());
      case REGEX:
        return pattern.matches(actual);
      default:
        return true;
    }
  }
}
