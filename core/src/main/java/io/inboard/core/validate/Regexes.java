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
      if (e.getDescription().startsWith("missing closing )")) {
        // RE2/J names the whole expression here; point at the parenthesis left open instead.
        at = unclosedParenthesis(regex);
        fragment = at >= 0 ? regex.substring(at) : fragment;
      }
      String where = at >= 0 ? " at position " + at : "";
      String shown = fragment == null || fragment.isEmpty() ? "" : " ('" + Names.abbreviate(fragment) + "')";
      String perlHint = e.getDescription().contains("Perl syntax")
          ? "; RE2 has no look-ahead, look-behind or back-references"
          : "";
      return "invalid RE2 regex '" + Names.abbreviate(regex) + "'" + where + ": " + e.getDescription() + shown
          + perlHint + " (see https://github.com/google/re2/wiki/Syntax)";
    }
  }

  /** Index of the first '(' that is never closed, skipping escapes and character classes. */
  private static int unclosedParenthesis(String regex) {
    java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        open.push(i);
      } else if (c == ')' && !open.isEmpty()) {
        open.pop();
      }
    }
    return open.isEmpty() ? -1 : open.peekLast();
  }
}
