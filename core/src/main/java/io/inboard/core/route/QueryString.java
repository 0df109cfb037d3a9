package io.inboard.core.route;

/** Reads a parameter from a raw query string without splitting the whole string. */
final class QueryString {
  private QueryString() {}

  /**
   * The raw (not percent-decoded) value of the first {@code name} parameter; an empty string for
   * {@code name} without {@code =}; {@code null} when absent.
   */
  static String first(String query, String name) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    int n = name.length();
    int start = 0;
    int len = query.length();
    while (start <= len) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = len;
      }
      if (query.startsWith(name, start)) {
        int after = start + n;
        if (after == end) {
          return "";
        }
        if (query.charAt(after) == '=') {
          return query.substring(after + 1, end);
        }
      }
      start = end + 1;
    }
    return null;
  }
}
