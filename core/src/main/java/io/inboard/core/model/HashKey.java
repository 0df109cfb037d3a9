package io.inboard.core.model;

import java.time.Duration;

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
   */
  record HttpCookie(String name, String path, Duration ttl) implements HashKey {}

  /** The value of query parameter {@code name}. */
  record HttpQueryParameterName(String name) implements HashKey {}

  /** The caller's IP address. */
  record UseSourceIp() implements HashKey {}
}
