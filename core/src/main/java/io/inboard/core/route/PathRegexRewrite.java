package io.inboard.core.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.inboard.core.model.HTTPRewrite;
import io.inboard.core.validate.Regexes;
import io.inboard.core.validate.Substitution;

/**
 * A compiled {@code uriRegexRewrite}: as Envoy's {@code regex_rewrite}, every match of the regex in
 * the path (the query is not part of it and is kept) is replaced by the substitution. A result that
 * does not start with {@code /} gets one, so that the request line stays valid.
 */
final class PathRegexRewrite {
  private final Pattern pattern;
  private final Substitution substitution;

  private PathRegexRewrite(Pattern pattern, Substitution substitution) {
    this.pattern = pattern;
    this.substitution = substitution;
  }

  /**
   * Compiles a rewrite that came through validation; checks Istio's regex limits again for one that
   * did not.
   *
   * @throws IllegalArgumentException when the regex or the substitution is invalid
   */
  static PathRegexRewrite compile(HTTPRewrite.RegexRewrite rewrite) {
    String problem = Regexes.limitProblem(rewrite.match());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Pattern pattern = Pattern.compile(rewrite.match());
    return new PathRegexRewrite(pattern, Substitution.parse(rewrite.rewrite(), pattern.groupCount()));
  }

  /** The path after the rewrite. */
  String apply(String path) {
    Matcher m = pattern.matcher(path);
    if (!m.find()) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length() + 16);
    int last = 0;
    do {
      out.append(path, last, m.start());
      substitution.appendTo(out, m::group);
      last = m.end();
    } while (m.find());
    out.append(path, last, path.length());
    return out.length() > 0 && out.charAt(0) == '/' ? out.toString() : "/" + out;
  }
}
