package io.inboard.core.route;

import java.util.Locale;

/** The host and port parts of an authority ({@code host}, {@code host:port}, {@code [v6]:port}). */
final class Authority {
  private Authority() {}

  /**
   * The host, lower-cased, without the port and without a final dot after a dotted name
   * ({@code user.example.com.} is {@code user.example.com}, the way hosts in the rules are kept; a
   * single label such as {@code reviews.} keeps its dot); the same string when nothing changes.
   */
  static String host(String authority) {
    if (authority == null) {
      return "";
    }
    int colon = portColon(authority);
    String host = colon < 0 ? authority : authority.substring(0, colon);
    int last = host.length() - 1;
    if (last > 0 && host.charAt(last) == '.' && host.lastIndexOf('.', last - 1) >= 0) {
      host = host.substring(0, last);
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return host.toLowerCase(Locale.ROOT);
      }
    }
    return host;
  }

  /** The port given in the authority, or the scheme's default (443 for https, else 80). */
  static int port(String authority, String scheme) {
    int colon = authority == null ? -1 : portColon(authority);
    if (colon >= 0) {
      int p = 0;
      for (int i = colon + 1; i < authority.length(); i++) {
        char c = authority.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        p = p * 10 + (c - '0');
      }
      return p;
    }
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  /** The authority as written, without its port ({@code [::1]:80} gives {@code [::1]}). */
  static String withoutPort(String authority) {
    int colon = portColon(authority);
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  /** The port the authority names, as written, or {@code null} when it names none. */
  static String portText(String authority) {
    int colon = authority == null ? -1 : portColon(authority);
    return colon < 0 || colon + 1 == authority.length() ? null : authority.substring(colon + 1);
  }

  private static int portColon(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.indexOf(']', colon) >= 0) {
      return -1;
    }
    // An IPv6 literal without brackets has several colons and no port.
    return authority.indexOf(':') == colon || authority.startsWith("[") ? colon : -1;
  }
}
