package io.inboard.agent.instrument.outbound;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@code java.net.http} request the agent made from the application's (a routed try, a mirror's
 * copy): the client's hook lets it through as it is, never routing it a second time.
 */
abstract class MeshHttpRequest extends HttpRequest {
  private final HttpRequest request;

  MeshHttpRequest(HttpRequest request) {
    this.request = request;
  }

  @Override
  public Optional<BodyPublisher> bodyPublisher() {
    return request.bodyPublisher();
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public Optional<Duration> timeout() {
    return request.timeout();
  }

  @Override
  public boolean expectContinue() {
    return request.expectContinue();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public Optional<HttpClient.Version> version() {
    return request.version();
  }

  @Override
  public HttpHeaders headers() {
    return request.headers();
  }

  @Override
  public String toString() {
    return request.toString();
  }
}
