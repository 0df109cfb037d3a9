package io.inboard.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * A faster matcher for the regexes most header rules use: a plain sequence of characters,
 * escapes, {@code .}, {@code \d \w \s} (and negations) and bracket classes, each optionally
 * quantified ({@code * + ? {n} {n,} {n,m}}), matched against the whole value. Such a pattern is an
 * NFA of at most 63 positions, simulated with one {@code long} of state bits per character: linear
 * time like RE2, a small constant unlike RE2/J's general machine. Anything else (groups,
 * alternation, anchors, flags, lazy quantifiers, POSIX classes) is left to RE2/J:
 * {@link #compile} returns {@code null}. Semantics follow RE2: {@code .} is any character but
 * newline, {@code \d \w \s} are ASCII.
 */
final class SimpleRegex {
  private static final int MAX_POSITIONS = 63;
  private static final int MAX_REPEAT = 16;
  private static final String META = "\\.[](){}*+?|^$";

  /** One position's characters: ASCII as bits, other characters as sorted ranges. */
  private record CharSet(long low, long high, int[] ranges, boolean negated) {
    boolean contains(char c) {
      boolean in;
      if (c < 64) {
        in = (low >>> c & 1) != 0;
      } else if (c < 128) {
        in = (high >>> (c - 64) & 1) != 0;
      } else {
        in = false;
        for (int i = 0; i < ranges.length; i += 2) {
          if (c >= ranges[i] && c <= ranges[i + 1]) {
            in = true;
            break;
          }
        }
      }
      return in != negated;
    }
  }

  private final CharSet[] sets;
  /** Bit i: position i may repeat (star). */
  private final long star;
  /** Bit i: position i may be skipped (star or optional). */
  private final long skippable;
  private final int positions;

  private SimpleRegex(CharSet[] sets, long star, long skippable) {
    this.sets = sets;
    this.star = star;
    this.skippable = skippable;
    this.positions = sets.length;
  }

  /** The matcher for {@code regex}, or {@code null} when the pattern is outside the simple form. */
  static SimpleRegex compile(String regex) {
    List<CharSet> sets = new ArrayList<>();
    long star = 0;
    long skippable = 0;
    int i = 0;
    int n = regex.length();
    while (i < n) {
      CharSet set;
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          return null;
        }
        set = escape(regex.charAt(i + 1), false);
        i += 2;
      } else if (c == '.') {
        set = dot();
        i++;
      } else if (c == '[') {
        int close = regex.indexOf(']', i + 1);
        if (close < 0) {
          return null;
        }
        set = bracket(regex.substring(i + 1, close));
        i = close + 1;
      } else if (META.indexOf(c) >= 0 || Character.isSurrogate(c)) {
        return null;
      } else {
        set = single(c);
        i++;
      }
      if (set == null) {
        return null;
      }
      int min = 1;
      int max = 1;
      if (i < n) {
        char q = regex.charAt(i);
        if (q == '*' || q == '+' || q == '?') {
          min = q == '+' ? 1 : 0;
          max = q == '?' ? 1 : -1;
          i++;
        } else if (q == '{') {
          int close = regex.indexOf('}', i);
          if (close < 0) {
            return null;
          }
          int[] bounds = bounds(regex.substring(i + 1, close));
          if (bounds == null) {
            return null;
          }
          min = bounds[0];
          max = bounds[1];
          i = close + 1;
        }
        if (i < n && "*+?{".indexOf(regex.charAt(i)) >= 0) {
          return null; // lazy or stacked quantifiers
        }
      }
      for (int k = 0; k < min; k++) {
        sets.add(set);
      }
      if (max < 0) {
        star |= 1L << sets.size();
        skippable |= 1L << sets.size();
        sets.add(set);
      } else {
        for (int k = min; k < max; k++) {
          skippable |= 1L << sets.size();
          sets.add(set);
        }
      }
      if (sets.size() > MAX_POSITIONS) {
        return null;
      }
    }
    return new SimpleRegex(sets.toArray(CharSet[]::new), star, skippable);
  }

  /** Whether the whole of {@code s} matches; {@code null} when the text needs RE2/J (surrogates). */
  Boolean matches(String s) {
    long state = closure(1L);
    long accept = 1L << positions;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        return null; // one code point is two chars here: leave it to RE2/J
      }
      long next = 0;
      for (long bits = state & (accept - 1); bits != 0; bits &= bits - 1) {
        int p = Long.numberOfTrailingZeros(bits);
        if (sets[p].contains(c)) {
          next |= (star >>> p & 1) != 0 ? 1L << p : 1L << (p + 1);
        }
      }
      state = closure(next);
      if (state == 0) {
        return Boolean.FALSE;
      }
    }
    return (state & accept) != 0;
  }

  // Positions that may be skipped pass their state on; skips only go forward, so one pass does.
  private long closure(long state) {
    for (long bits = state & skippable; bits != 0; ) {
      int p = Long.numberOfTrailingZeros(bits);
      state |= 1L << (p + 1);
      bits = (state & skippable) & (-1L << (p + 1));
    }
    return state;
  }

  private static int[] bounds(String inner) {
    String[] parts = inner.split(",", -1);
    try {
      if (parts.length == 1) {
        int v = Integer.parseInt(parts[0]);
        return v <= MAX_REPEAT ? new int[] {v, v} : null;
      }
      if (parts.length == 2) {
        int lo = Integer.parseInt(parts[0]);
        int hi = parts[1].isEmpty() ? -1 : Integer.parseInt(parts[1]);
        return lo <= MAX_REPEAT && hi <= MAX_REPEAT && (hi < 0 || hi >= lo) ? new int[] {lo, hi} : null;
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static CharSet single(char c) {
    return build(new int[] {c, c}, false);
  }

  private static CharSet dot() {
    return build(new int[] {'\n', '\n'}, true);
  }

  /** {@code \d \w \s} (negated when upper case) and escaped ASCII punctuation; else null. */
  private static CharSet escape(char e, boolean insideClass) {
    int[] ranges = switch (Character.toLowerCase(e)) {
      case 'd' -> new int[] {'0', '9'};
      case 'w' -> new int[] {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
      case 's' -> new int[] {'\t', '\n', '\f', '\r', ' ', ' '};
      default -> null;
    };
    if (ranges != null) {
      return build(ranges, Character.isUpperCase(e));
    }
    if (e < 128 && !Character.isLetterOrDigit(e) && e > ' ') {
      return single(e);
    }
    return null;
  }

  /** The inside of {@code [...]}: items, ranges, escapes; {@code ^} first negates. */
  private static CharSet bracket(String inner) {
    boolean negated = inner.startsWith("^");
    String body = negated ? inner.substring(1) : inner;
    if (body.isEmpty() || body.contains("[")) {
      return null;
    }
    List<Integer> ranges = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '\\') {
        if (i + 1 >= body.length()) {
          return null;
        }
        char escaped = body.charAt(i + 1);
        CharSet e = escape(escaped, true);
        if (e == null || e.negated) {
          return null;
        }
        i += 2;
        // An escaped character, like a plain one, starts a range when "-x" follows ([\.-9] is
        // '.'..'9' in RE2); a class escape (\d \w \s) does not ([\d-z] is digits, '-', 'z').
        boolean classEscape = "dwsDWS".indexOf(escaped) >= 0;
        if (!classEscape && i + 1 < body.length() && body.charAt(i) == '-') {
          char hi = body.charAt(i + 1);
          if (hi == '\\' || hi < escaped || Character.isSurrogate(hi)) {
            return null;
          }
          ranges.add((int) escaped);
          ranges.add((int) hi);
          i += 2;
          continue;
        }
        for (int k = 0; k < e.ranges.length; k++) {
          ranges.add(e.ranges[k]);
        }
        continue;
      }
      if (Character.isSurrogate(c)) {
        return null;
      }
      if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
        char hi = body.charAt(i + 2);
        if (hi == '\\' || hi < c || Character.isSurrogate(hi)) {
          return null;
        }
        ranges.add((int) c);
        ranges.add((int) hi);
        i += 3;
      } else {
        ranges.add((int) c);
        ranges.add((int) c);
        i++;
      }
    }
    int[] r = new int[ranges.size()];
    for (int k = 0; k < r.length; k++) {
      r[k] = ranges.get(k);
    }
    return build(r, negated);
  }

  // Keeps the ranges for every character (non-ASCII use them) and ASCII as bits too.
  private static CharSet build(int[] ranges, boolean negated) {
    long low = 0;
    long high = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      for (int c = ranges[i]; c <= ranges[i + 1] && c < 128; c++) {
        if (c < 64) {
          low |= 1L << c;
        } else {
          high |= 1L << (c - 64);
        }
      }
    }
    return new CharSet(low, high, ranges, negated);
  }
}
