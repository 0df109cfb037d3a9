package io.inboard.core.diag;

/**
 * One finding about user input: where it is ({@code resource} names the document, {@code path}
 * the field inside it, e.g. {@code spec.http[1].route[0].destination.subset}) and what to do.
 *
 * @param resource which document, e.g. {@code VirtualService traffic-management/user} or
 *     {@code document 3} when the document has no usable kind/name; may be empty
 */
public record Diagnostic(Severity severity, String resource, String path, String message) {
  public static Diagnostic error(String resource, String path, String message) {
    return new Diagnostic(Severity.ERROR, resource, path, message);
  }

  public static Diagnostic warning(String resource, String path, String message) {
    return new Diagnostic(Severity.WARNING, resource, path, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The line {@code inboardctl validate} prints: {@code ERROR path: message}. */
  @Override
  public String toString() {
    String r = resource == null ? "" : resource;
    String p = path == null ? "" : path;
    String where = r.isEmpty() ? p : p.isEmpty() ? r : r + " " + p;
    return severity + (where.isEmpty() ? "" : " " + where) + ": " + message;
  }
}
