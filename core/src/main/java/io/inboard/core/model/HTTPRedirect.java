package io.inboard.core.model;

/**
 * Istio's {@code HTTPRedirect}: answer with a redirect instead of forwarding. Unset parts of the
 * location are {@code null} (or 0 for {@code port}) and are taken from the request.
 *
 * @param redirectCode the 3xx status, 301 when not given
 */
public record HTTPRedirect(String uri, String authority, int port, String scheme, int redirectCode) {
  public static final int DEFAULT_CODE = 301;
}
