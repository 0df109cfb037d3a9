package io.inboard.core.model;

/**
 * Istio's {@code HTTPRewrite}: replace the matched uri prefix (or the whole uri for an exact match),
 * or rewrite the path by a regex ({@code uriRegexRewrite}), and/or the authority before forwarding.
 * Each part is {@code null} when not rewritten; {@code uri} and {@code uriRegexRewrite} exclude each
 * other.
 */
public record HTTPRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {
  public HTTPRewrite(String uri, String authority) {
    this(uri, authority, null);
  }

  /**
   * Istio's {@code RegexRewrite}: every match of {@code match} (RE2) in the path is replaced by
   * {@code rewrite}, where {@code \1} to {@code \9} stand for the match's groups (Envoy's
   * {@code regex_rewrite}); the query is kept.
   */
  public record RegexRewrite(String match, String rewrite) {}
}
