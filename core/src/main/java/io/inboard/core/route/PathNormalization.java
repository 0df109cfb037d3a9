package io.inboard.core.route;

/**
 * Istio's default path normalization ({@code pathNormalization: BASE}, Envoy's
 * {@code normalize_path}): percent-encoded unreserved characters are decoded and dot segments
 * removed as RFC 3986 §5.2.4 says, before routing; the normalized path is what the instance gets.
 * A backslash is read as a slash ({@code /app\\admin} → {@code /app/admin}), as Envoy's URL
 * canonicalization reads it; an escaped one ({@code %5C}) stays.
 * Escaped slashes ({@code %2F}) and other reserved escapes stay as they are, and slashes are not
 * merged ({@code //} stays), as in Envoy's defaults. A {@code ..} above the root stays at the root
 * ({@code /../admin} → {@code /admin}), as Envoy resolves it; the gateway never sees such a path in
 * practice, Jetty refuses it with 400 first.
 */
public final class PathNormalization {
  private PathNormalization() {}

  /**
   * The normalized form of a request's path as sent ({@code null} or empty → {@code /}). A path
   * with no backslash, no escape and no dot segment, as nearly every one is, comes back as the same
   * object after three scans, with nothing allocated: this runs on every routed call.
   */
  public static String normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String slashed = rawPath.indexOf('\\') < 0 ? rawPath : rawPath.replace('\\', '/');
    if (slashed.charAt(0) != '/') {
      return rawPath; // asterisk-form (OPTIONS *): nothing to normalize
    }
    String decoded = decodeUnreserved(slashed);
    if (!hasDotSegment(decoded)) {
      return decoded;
    }
    return removeDotSegments(decoded);
  }

  /** {@code %41} → {@code A}, {@code %2E} → {@code .}; every other escape is kept as written. */
  static String decodeUnreserved(String path) {
    int percent = path.indexOf('%');
    if (percent < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    out.append(path, 0, percent);
    for (int i = percent; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length()) {
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0 && isUnreserved((char) (hi * 16 + lo))) {
          out.append((char) (hi * 16 + lo));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static boolean hasDotSegment(String path) {
    int from = 0;
    while (true) {
      int dot = path.indexOf("/.", from);
      if (dot < 0) {
        return false;
      }
      int end = path.indexOf('/', dot + 1);
      String segment = path.substring(dot + 1, end < 0 ? path.length() : end);
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
      from = dot + 1;
    }
  }

  /** RFC 3986 §5.2.4 for an absolute path; empty segments are kept, {@code ..} stops at the root. */
  static String removeDotSegments(String path) {
    String[] segments = path.substring(1).split("/", -1);
    String[] out = new String[segments.length];
    int size = 0;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".") || segment.equals("..")) {
        if (segment.equals("..") && size > 0) {
          size--;
        }
        if (last) {
          out[size++] = ""; // "/a/b/.." is "/a/": the path still ends in a directory
        }
        continue;
      }
      out[size++] = segment;
    }
    StringBuilder result = new StringBuilder(path.length());
    for (int i = 0; i < size; i++) {
      result.append('/').append(out[i]);
    }
    return result.length() == 0 ? "/" : result.toString();
  }
}
