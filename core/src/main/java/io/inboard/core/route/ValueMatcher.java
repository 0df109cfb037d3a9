package io.inboard.core.route;

import com.google.re2j.Pattern;
import io.inboard.core.model.StringMatch;
import io.inboard.core.validate.Regexes;

/**
 * One compiled {@link StringMatch}: exact, prefix, RE2 regex (whole value, compiled once per
 * snapshot) or present. {@code ignoreCase} is used for uri exact and prefix matches only.
 */
final class ValueMatcher {
  private static final int VERDICTS = 256;
  /** Longer values are not remembered, so the cache stays small. */
  private static final int MAX_REMEMBERED_LENGTH = 256;

  private record Verdict(String value, boolean matched) {}

  enum Kind {
    EXACT,
    PREFIX,
    REGEX,
    PRESENT
  }

  final Kind kind;
  final String value;
  private final Pattern pattern;
  /**
   * For regexes: a literal every full match starts with, checked before running the regex, so a
   * rule list of regexes like {@code rule-7-[a-z]+} rejects most rules with a {@code startsWith}.
   */
  private final String literalPrefix;
  /** The fast matcher when the regex has the simple form, else {@code null} (RE2/J only). */
  private final SimpleRegex simple;
  private final boolean ignoreCase;
  /**
   * Recent regex verdicts by value (direct-mapped on the value's hash). Header values repeat a lot
   * (the same users, the same modes), and an RE2/J match costs far more than a look-up here.
   * Entries are immutable, so unsynchronized reads and writes are safe: a race only loses an entry.
   */
  private final Verdict[] verdicts;
  /** E.g. {@code exact "dev"}; built once for explain traces. */
  final String description;

  private ValueMatcher(Kind kind, String value, boolean ignoreCase) {
    this.kind = kind;
    this.value = value;
    this.ignoreCase = ignoreCase;
    this.pattern = kind == Kind.REGEX ? compile(value) : null;
    this.literalPrefix = kind == Kind.REGEX ? literalPrefix(value) : "";
    this.verdicts = kind == Kind.REGEX ? new Verdict[VERDICTS] : null;
    this.simple = kind == Kind.REGEX ? SimpleRegex.compile(value) : null;
    String d = kind == Kind.PRESENT ? "present" : kind.name().toLowerCase() + " \"" + value + "\"";
    this.description = ignoreCase ? d + " (ignoring case)" : d;
  }

  /**
   * Compiles a regex after checking Istio's limits again: validation refuses a regex beyond them,
   * and RE2/J would build every copy of a nested repetition, so one that did not come through
   * validation must not reach it either.
   */
  private static Pattern compile(String regex) {
    String problem = Regexes.limitProblem(regex);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return Pattern.compile(regex);
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
        return actual.startsWith(literalPrefix) && regexMatches(actual);
      default:
        return true;
    }
  }

  private boolean regexMatches(String actual) {
    if (simple != null) {
      Boolean fast = simple.matches(actual);
      if (fast != null) {
        return fast;
      }
    }
    if (actual.length() > MAX_REMEMBERED_LENGTH) {
      return pattern.matches(actual);
    }
    int slot = actual.hashCode() & (VERDICTS - 1);
    Verdict v = verdicts[slot];
    if (v != null && v.value.equals(actual)) {
      return v.matched;
    }
    boolean matched = pattern.matches(actual);
    verdicts[slot] = new Verdict(actual, matched);
    return matched;
  }

  /**
   * The plain characters a regex starts with, which every full match must start with too; empty
   * when the pattern begins with anything else or has a top-level alternation. A quantifier after
   * the last literal makes that character optional, so it is left out.
   */
  static String literalPrefix(String regex) {
    int depth = 0;
    boolean escaped = false;
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return "";
      }
    }
    int end = 0;
    while (end < regex.length() && "\\.[](){}*+?|^$".indexOf(regex.charAt(end)) < 0) {
      end++;
    }
    if (end < regex.length() && "*+?{".indexOf(regex.charAt(end)) >= 0 && end > 0) {
      end--;
    }
    return regex.substring(0, end);
  }
}
