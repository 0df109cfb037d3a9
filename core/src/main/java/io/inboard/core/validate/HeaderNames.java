package io.inboard.core.validate;

/** HTTP header name and value rules (RFC 7230): a name is a token, a value has no line breaks. */
final class HeaderNames {
  private static final String TCHAR_SPECIALS = "!#$%&'*+-.^_`|~";

  private HeaderNames() {}

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || TCHAR_SPECIALS.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code name} is not a header name, or {@code null}. */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "header name must not be empty";
    }
    if (name.startsWith(":")) {
      return "'" + name + "' is an HTTP/2 pseudo-header; Inboard sees HTTP/1.1 headers only ("
          + (name.equalsIgnoreCase(":authority") ? "use 'host', or rewrite.authority" : "use a "
          + "uri, method, scheme or authority match instead") + ")";
    }
    if (!isToken(name)) {
      return "'" + name + "' is not a valid header name: use letters, digits and !#$%&'*+-.^_`|~ "
          + "only (no spaces, ':' or quotes)";
    }
    return null;
  }

  /** Why {@code value} cannot be sent as a header value, or {@code null}. */
  static String valueProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return "header value must not contain line breaks or NUL characters";
      }
    }
    return null;
  }
}
