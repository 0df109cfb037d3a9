package io.inboard.server;

import java.util.List;

/**
 * A refusal with its HTTP status, rendered as {@code {"error": ..., "details": [{"path": ...,
 * "message": ...}]}}. Thrown anywhere below the handler; nothing has been changed when it is.
 */
final class ApiError extends RuntimeException {
  /** One problem: where ({@code path}, possibly empty) and what to do about it. */
  record Detail(String resource, String path, String message) {
    static Detail of(String path, String message) {
      return new Detail("", path, message);
    }
  }

  private final int status;
  private final List<Detail> details;

  ApiError(int status, String error, List<Detail> details) {
    super(error, null, false, false);
    this.status = status;
    this.details = List.copyOf(details);
  }

  ApiError(int status, String error) {
    this(status, error, List.of());
  }

  static ApiError badRequest(String error) {
    return new ApiError(400, error);
  }

  static ApiError notFound(String error) {
    return new ApiError(404, error);
  }

  static ApiError conflict(String error, List<Detail> details) {
    return new ApiError(409, error, details);
  }

  static ApiError invalid(String error, List<Detail> details) {
    return new ApiError(422, error, details);
  }

  int status() {
    return status;
  }

  List<Detail> details() {
    return details;
  }
}
