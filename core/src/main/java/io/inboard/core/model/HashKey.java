package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/** What a consistent hash is computed from: exactly one of Istio's four hash keys. */
public sealed interface HashKey {
  /** The value of request header {@code name} (lower-cased, since header names are case-insensitive). */
  record HttpHeaderName(String name) implements HashKey {}

  /**
   * The value of cookie {@code name}. With a {@code ttl} and no cookie on the request, one is
   * generated and set on the response.
   *
   * @param path the cookie's path, or {@code null}
   * @param ttl {@code null} when not given
   * @param attributes more attributes of a generated cookie ({@code SameSite=Strict}, {@code Secure}), in order
   */
  record HttpCookie(String name, String path, Duration ttl, List<CookieAttribute> attributes) implements HashKey {
    public HttpCookie {
      attributes = List.copyOf(attributes);
    }

    public HttpCookie(String name, String path, Duration ttl) {
      this(name, path, ttl, List.of());
    }
  }

  /** One attribute of a generated cookie: {@code name=value}, or just {@code name} when the value is empty. */
  record CookieAttribute(String name, String value) {}

  /** The value of query parameter {@code name}. */
  record HttpQueryParameterName(String name) implements HashKey {}

  /** The caller's IP address. */
  record UseSourceIp() implements HashKey {}
}
