package io.inboard.core.model;

/** Istio's {@code Headers}: operations on the request sent and on the response returned. */
public record Headers(HeaderOperations request, HeaderOperations response) {
  public static final Headers NONE = new Headers(HeaderOperations.NONE, HeaderOperations.NONE);

  public Headers {
    request = request == null ? HeaderOperations.NONE : request;
    response = response == null ? HeaderOperations.NONE : response;
  }

  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }
}
