package io.inboard.core.route;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import java.util.List;

/**
 * A request as host-selection attempt {@code attempt} of a retry decides it: the request itself
 * in every other respect. See {@link RequestView#hostSelectionAttempt()}.
 */
final class RetryPick implements RequestView {
  private final RequestView request;
  private final int attempt;
  private final List<Instance> previousTries;

  private RetryPick(RequestView request, int attempt, List<Instance> previousTries) {
    this.request = request;
    this.attempt = attempt;
    this.previousTries = previousTries;
  }

  /** {@code request} at {@code attempt}; the request itself at attempt 0. */
  static RequestView of(RequestView request, int attempt) {
    return of(request, attempt, List.of());
  }

  /**
   * {@code request} at {@code attempt} after tries that went to {@code previousTries}; the request
   * itself at attempt 0 without previous tries.
   */
  static RequestView of(RequestView request, int attempt, List<Instance> previousTries) {
    if (request instanceof RetryPick pick) {
      request = pick.request;
    }
    return attempt == 0 && previousTries.isEmpty() ? request : new RetryPick(request, attempt, previousTries);
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public String authority() {
    return request.authority();
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String query() {
    return request.query();
  }

  @Override
  public String header(String name) {
    return request.header(name);
  }

  @Override
  public String sourceIp() {
    return request.sourceIp();
  }

  @Override
  public Workload source() {
    return request.source();
  }

  @Override
  public String gateway() {
    return request.gateway();
  }

  @Override
  public int hostSelectionAttempt() {
    return attempt;
  }

  @Override
  public List<Instance> previousTries() {
    return previousTries;
  }
}
