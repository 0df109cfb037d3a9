package io.inboard.core.route;

import io.inboard.core.model.HashKey;

/** Reads a consistent-hash key's value from a request, and names it for decisions and traces. */
final class HashKeys {
  private HashKeys() {}

  /** The key's value on this request, or {@code null} when the request does not carry it. */
  static String read(HashKey key, RequestView r) {
    if (key instanceof HashKey.HttpHeaderName h) {
      return r.header(h.name());
    } else if (key instanceof HashKey.HttpCookie c) {
      return cookie(r.header("cookie"), c.name());
    } else if (key instanceof HashKey.HttpQueryParameterName q) {
      return QueryString.first(r.query(), q.name());
    } else {
      return r.sourceIp();
    }
  }

  /** E.g. {@code header my-header=alice}: what {@link Decision#hashKey()} shows. */
  static String describe(HashKey key, String value) {
    if (key instanceof HashKey.HttpHeaderName h) {
      return "header " + h.name() + "=" + value;
    } else if (key instanceof HashKey.HttpCookie c) {
      return "cookie " + c.name() + "=" + value;
    } else if (key instanceof HashKey.HttpQueryParameterName q) {
      return "query " + q.name() + "=" + value;
    } else {
      return "source-ip " + value;
    }
  }

  /** E.g. {@code header my-header}: the key without a value, for traces. */
  static String name(HashKey key) {
    if (key instanceof HashKey.HttpHeaderName h) {
      return "header " + h.name();
    } else if (key instanceof HashKey.HttpCookie c) {
      return "cookie " + c.name();
    } else if (key instanceof HashKey.HttpQueryParameterName q) {
      return "query parameter " + q.name();
    } else {
      return "source IP";
    }
  }

  /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b=2}), or null. */
  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    int n = name.length();
    int i = 0;
    int len = header.length();
    while (i < len) {
      while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = len;
      }
      if (header.startsWith(name, i) && i + n < end && header.charAt(i + n) == '=') {
        String v = header.substring(i + n + 1, end).trim();
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
          v = v.substring(1, v.length() - 1);
        }
        return v;
      }
      i = end + 1;
    }
    return null;
  }
}
