package io.inboard.core.controlplane;

import java.io.IOException;
import java.util.List;

/**
 * The config server refused a request: its HTTP status, its {@code error} message and every
 * {@code details} entry ({@code path: message}, prefixed by the resource when the server names
 * one).
 */
public final class ConfigServerException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final List<String> details;

  public ConfigServerException(int status, String error, List<String> details) {
    super("HTTP " + status + ": " + error + (details.isEmpty() ? "" : "\n  " + String.join("\n  ", details)));
    this.status = status;
    this.error = error;
    this.details = List.copyOf(details);
  }

  /** 400 malformed, 401/403 token, 404, 409 stale resourceVersion, 413 too large, 415, 422 invalid. */
  public int status() {
    return status;
  }

  /** The server's one-line {@code error}. */
  public String error() {
    return error;
  }

  /** One line per detail, e.g. {@code VirtualService ns/name spec.http[0].route: weights sum to 0}. */
  public List<String> details() {
    return details;
  }
}
