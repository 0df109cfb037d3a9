package io.inboard.core.model;

/**
 * Istio's {@code StringMatch} one-of, used by uri, scheme, method, authority, header and query
 * parameter matches. {@link Present} is the {@code {}} form: the header or parameter must exist,
 * with any value.
 */
public sealed interface StringMatch {
  /** The value must equal {@code value}. */
  record Exact(String value) implements StringMatch {}

  /** The value must start with {@code value}. */
  record Prefix(String value) implements StringMatch {}

  /**
   * The whole value must match the RE2 {@code pattern}. The pattern is kept as written; the
   * router compiles it once per snapshot.
   */
  record Regex(String pattern) implements StringMatch {}

  /** The header or query parameter must be present, with any value. */
  record Present() implements StringMatch {}

  static StringMatch exact(String value) {
    return new Exact(value);
  }

  static StringMatch prefix(String value) {
    return new Prefix(value);
  }

  static StringMatch regex(String pattern) {
    return new Regex(pattern);
  }

  static StringMatch present() {
    return new Present();
  }
}
