package io.inboard.core.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Checks regular expressions the way the router will compile them: RE2 syntax, via RE2/J, within
 * Istio's limits. The limits are checked before compiling: RE2/J itself builds every copy of a
 * nested repetition, so {@code ((a{1000}){1000}){1000}} (23 characters) would exhaust the heap.
 */
public final class Regexes {
  /** Istio's limit on a regex's length (UTF-8 bytes), standing in for Envoy's program size. */
  static final int MAX_LENGTH = 1024;
  /** Go's and RE2's limit on the copies a repetition, nested ones multiplied, may make. */
  static final int MAX_REPEAT = 1000;

  private Regexes() {}

  /** Why {@code regex} is not a valid RE2 expression (with the position), or {@code null}. */
  static String problem(String regex) {
    String limit = limitProblem(regex);
    if (limit != null) {
      return limit;
    }
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

  /**
   * Why {@code rewrite} cannot be a substitution for {@code regex} (see {@link Substitution}), or
   * {@code null}; {@code regex} must be valid.
   */
  static String substitutionProblem(String regex, String rewrite) {
    try {
      Substitution.parse(rewrite, Pattern.compile(regex).groupCount());
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Why {@code regex} is beyond Istio's limits, or {@code null}: empty, longer than 1024 bytes, or
   * repeating something more than 1000 times counting nested repetitions ({@code (a{100}){20}}
   * makes 2000 copies), as Go's regexp parser refuses it. Linear in the length, compiles nothing;
   * the router checks it again before compiling a regex that did not come through validation.
   */
  public static String limitProblem(String regex) {
    if (regex.isEmpty()) {
      return "regex must not be empty (use {} to require only that the value is present, where "
          + "allowed)";
    }
    int bytes = regex.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_LENGTH) {
      return "regex '" + Names.abbreviate(regex) + "' is too long (" + bytes + " bytes, at most "
          + MAX_LENGTH + ")";
    }
    int at = excessiveRepeat(regex);
    if (at >= 0) {
      return "invalid RE2 regex '" + Names.abbreviate(regex) + "' at position " + at
          + ": the repetition makes more than " + MAX_REPEAT + " copies (nested repetitions "
          + "multiply: (a{100}){20} is 2000); use * or + for an unbounded count";
    }
    return null;
  }

  /**
   * The position of the first {@code {n}}, {@code {n,}} or {@code {n,m}} that, multiplied by the
   * bounded repetitions inside what it repeats, exceeds {@link #MAX_REPEAT}; -1 if none does. As
   * in Go's {@code repeatIsValid}, the count is the maximum ({@code {n,}}: the minimum), {@code {0}}
   * makes nothing of its operand, and {@code * + ?} do not count. Everything but the group
   * structure, escapes and classes is read loosely: syntax errors are left to the compiler.
   */
  static int excessiveRepeat(String regex) {
    // Per open group: the largest copy count among its finished elements and the current one.
    java.util.ArrayDeque<long[]> groups = new java.util.ArrayDeque<>();
    long max = 0; // largest copy count among this level's finished elements
    long last = 0; // copy count of this level's last element (0: none yet)
    int n = regex.length();
    int i = 0;
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '\\') {
        max = Math.max(max, last);
        last = 1;
        i = skipEscape(regex, i);
      } else if (c == '[') {
        max = Math.max(max, last);
        last = 1;
        i = skipClass(regex, i);
      } else if (c == '(') {
        max = Math.max(max, last);
        groups.push(new long[] {max});
        max = 0;
        last = 0;
        i++;
      } else if (c == ')') {
        long inner = Math.max(max, last);
        max = groups.isEmpty() ? 0 : groups.pop()[0];
        last = Math.max(1, inner);
        i++;
      } else if (c == '|') {
        max = Math.max(max, last);
        last = 0;
        i++;
      } else if (c == '{') {
        int end = regex.indexOf('}', i);
        long count = end < 0 ? -1 : repeatCount(regex.substring(i + 1, end));
        if (count < 0) {
          max = Math.max(max, last); // a literal '{'
          last = 1;
          i++;
          continue;
        }
        if (count > MAX_REPEAT || (count > 0 && Math.max(1, last) > MAX_REPEAT / count)) {
          return i;
        }
        last = count == 0 ? 0 : Math.max(1, last) * count;
        i = end + 1;
      } else if (c == '*' || c == '+' || c == '?') {
        i++; // repeats what came before without counting; also the lazy '?'
      } else {
        max = Math.max(max, last);
        last = 1;
        i += Character.charCount(regex.codePointAt(i));
      }
    }
    return -1;
  }

  /** The copies {@code body} (between the braces) asks for, or -1 if it is not a repetition. */
  private static long repeatCount(String body) {
    int comma = body.indexOf(',');
    String min = comma < 0 ? body : body.substring(0, comma);
    String max = comma < 0 ? body : body.substring(comma + 1);
    if (!digits(min) || (!max.isEmpty() && !digits(max))) {
      return -1;
    }
    String count = max.isEmpty() ? min : max;
    // Anything past 1000 is refused; more than 9 digits need not be read exactly.
    return count.length() > 9 ? Long.MAX_VALUE : Long.parseLong(count);
  }

  private static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The index after the escape at {@code i}, e.g. {@code \Q...\E}, {@code \p{..}}, {@code \x{..}}. */
  private static int skipEscape(String regex, int i) {
    int n = regex.length();
    if (i + 1 >= n) {
      return n;
    }
    char e = regex.charAt(i + 1);
    if (e == 'Q') {
      int end = regex.indexOf("\\E", i + 2);
      return end < 0 ? n : end + 2;
    }
    if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < n && regex.charAt(i + 2) == '{') {
      int end = regex.indexOf('}', i + 3);
      return end < 0 ? n : end + 1;
    }
    return i + 1 + Character.charCount(regex.codePointAt(i + 1));
  }

  /** The index after the bracket class starting at {@code i} ({@code []a]}, {@code [[:alpha:]]}). */
  private static int skipClass(String regex, int i) {
    int n = regex.length();
    int j = i + 1;
    if (j < n && regex.charAt(j) == '^') {
      j++;
    }
    if (j < n && regex.charAt(j) == ']') {
      j++; // a leading ']' is a literal
    }
    while (j < n) {
      char c = regex.charAt(j);
      if (c == '\\') {
        j = skipEscape(regex, j);
      } else if (c == '[' && regex.startsWith("[:", j)) {
        int end = regex.indexOf(":]", j + 2);
        j = end < 0 ? j + 1 : end + 2;
      } else if (c == ']') {
        return j + 1;
      } else {
        j++;
      }
    }
    return n;
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
