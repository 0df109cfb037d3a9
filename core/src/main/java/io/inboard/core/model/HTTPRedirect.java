package io.inboard.core.model;

/**
 * Istio's {@code HTTPRedirect}: answer with a redirect instead of forwarding. Unset parts of the
 * location are {@code null} (or 0 for {@code port}) and are taken from the request.
 *
 * @param derivePort how the location's port is chosen when {@code port} is not given; {@code null}
 *     when neither is (the request's authority is kept as it is)
 * @param redirectCode the 3xx status, 301 when not given
 */
public record HTTPRedirect(
    String uri, String authority, int port, DerivePort derivePort, String scheme, int redirectCode) {
  public static final int DEFAULT_CODE = 301;

  public HTTPRedirect(String uri, String authority, int port, String scheme, int redirectCode) {
    this(uri, authority, port, null, scheme, redirectCode);
  }

  /** Istio's {@code HTTPRedirect.RedirectPortSelection}. */
  public enum DerivePort {
    /** No port in the location: the default of its scheme (80 for http, 443 for https). */
    FROM_PROTOCOL_DEFAULT,
    /** The port the request was sent to, as its authority names it (none: the scheme's default). */
    FROM_REQUEST_PORT
  }
}
