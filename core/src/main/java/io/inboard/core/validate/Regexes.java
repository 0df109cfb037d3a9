package io.inboard.core.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Checks regular expressions the way the router will compile them: RE2 syntax, via RE2/J. */
final class Regexes {
  private Regexes() {}

  /** Why {@code regex} is not a valid RE2 expression (with the position), or {@code null}. */
  static String problem(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      // RE2/J reports the offending fragment rather than an index; find it to give a position.
      String fragment = e.getPattern();
      int at = fragment == null || fragment.isEmpty() ? regex.length() - 1 : regex.indexOf(fragment);
      String where = at >= 0 ? " at position " + at : "";
      String shown = fragment == null || fragment.isEmpty() ? "" : " ('" + fragment + "')";
      String perlHint = e.getDescription().contains("Perl syntax")
          ? "; RE2 has no look-ahead, look-behind or back-references"
          : "";
      return "invalid RE2 regex '" + regex + "'" + where + ": " + e.getDescription() + shown
          + perlHint + " (see https://github.com/google/re2/wiki/Syntax)";
    }
  }
}
