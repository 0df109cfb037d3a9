package io.inboard.agent.instrument.outbound;

import io.inboard.core.route.Decision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@code java.net.http} request rewritten by the mesh, remembering its decision and start time
 * so the response can be recorded against them.
 */
final class RoutedHttpRequest extends HttpRequest {
  private final HttpRequest routed;
  final Decision decision;
  final long startNanos;

  RoutedHttpRequest(HttpRequest routed, Decision decision, long startNanos) {
    this.routed = routed;
    this.decision = decision;
    this.startNanos = startNanos;
  }

  @Override
  public Optional<BodyPublisher> bodyPublisher() {
    return routed.bodyPublisher();
  }

  @Override
  public String method() {
    return routed.method();
  }

  @Override
  public Optional<Duration> timeout() {
    return routed.timeout();
  }

  @Override
  public boolean expectContinue() {
    return routed.expectContinue();
  }

  @Override
  public URI uri() {
    return routed.uri();
  }

  @Override
  public Optional<HttpClient.Version> version() {
    return routed.version();
  }

  @Override
  public HttpHeaders headers() {
    return routed.headers();
  }

  @Override
  public String toString() {
    return routed.toString();
  }
}
