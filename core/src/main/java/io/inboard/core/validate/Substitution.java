package io.inboard.core.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A regex rewrite's substitution string, as Envoy reads {@code regex_rewrite.substitution} (RE2's
 * rewrite syntax): {@code \0} to {@code \9} stand for the whole match and its groups, {@code \\} for
 * a backslash, and every other character for itself. Parsed once, when the rules are compiled.
 */
public final class Substitution {
  /** Literal text ({@link String}) and group numbers ({@link Integer}), in order. */
  private final List<Object> parts;

  private Substitution(List<Object> parts) {
    this.parts = parts;
  }

  /**
   * Parses {@code rewrite} for a regex with {@code groups} groups.
   *
   * @throws IllegalArgumentException saying what is wrong and how to write it instead
   */
  public static Substitution parse(String rewrite, int groups) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < rewrite.length(); i++) {
      char c = rewrite.charAt(i);
      if (c != '\\') {
        literal.append(c);
        continue;
      }
      if (i + 1 == rewrite.length()) {
        throw new IllegalArgumentException("'" + rewrite + "' ends with a lone backslash; write \\\\ "
            + "for a backslash");
      }
      char next = rewrite.charAt(++i);
      if (next == '\\') {
        literal.append('\\');
      } else if (next >= '0' && next <= '9') {
        int group = next - '0';
        if (group > groups) {
          throw new IllegalArgumentException("'" + rewrite + "' uses \\" + group + " but the match has "
              + (groups == 0 ? "no groups" : groups == 1 ? "1 group" : groups + " groups")
              + "; use \\0 for the whole match or \\1 to \\" + Math.max(1, groups)
              + " for a parenthesized group");
        }
        if (literal.length() > 0) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(group);
      } else {
        throw new IllegalArgumentException("'" + rewrite + "' has \\" + next + ", which is not a group "
            + "reference; write \\0 to \\9 for a group and \\\\ for a backslash");
      }
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return new Substitution(List.copyOf(parts));
  }

  /** Appends this substitution for one match, whose groups {@code group} gives (null: empty). */
  public void appendTo(StringBuilder out, IntFunction<String> group) {
    for (Object part : parts) {
      if (part instanceof String text) {
        out.append(text);
      } else {
        String value = group.apply((Integer) part);
        if (value != null) {
          out.append(value);
        }
      }
    }
  }
}
