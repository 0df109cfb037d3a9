package io.inboard.agent.instrument.outbound;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * A {@code java.net.http} response the mesh made itself ({@link MeshAnswer}), without a network
 * call, read through the application's own body handler, so the application gets exactly what a
 * server's answer with this status, headers and body would have given it: a response, not an
 * exception. As a server's over HTTP/1.1 without TLS, with no SSL session; its previous response is
 * the last redirect the client followed to get it ({@link JdkRedirects}), if any. Such a redirect is
 * a response of this kind too, without a body, as the client keeps the redirects it followed.
 */
final class MeshAnsweredResponse<T> implements HttpResponse<T> {
  private final HttpRequest request;
  private final int status;
  private final HttpHeaders headers;
  private final T body;
  private final HttpResponse<T> previous;

  private MeshAnsweredResponse(HttpRequest request, int status, HttpHeaders headers, T body,
      HttpResponse<T> previous) {
    this.request = request;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.previous = previous;
  }

  /**
   * A redirect the client followed, as it keeps one among the previous responses: no body, and
   * {@code previous} (or {@code null}) before it.
   */
  static <T> HttpResponse<T> followed(HttpRequest request, MeshAnswer answer, HttpResponse<T> previous) {
    return new MeshAnsweredResponse<>(request, answer.status(), headers(answer), null, previous);
  }

  private static HttpHeaders headers(MeshAnswer answer) {
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    answer.headers().forEach((name, value) -> headerMap.put(name, List.of(value)));
    return HttpHeaders.of(headerMap, (name, value) -> true);
  }

  /**
   * The response's future: {@code answer}'s body fed to the subscriber the application's
   * {@code handler} makes for its status and headers. Throws what the handler throws (the caller
   * then falls back).
   */
  static <T> CompletableFuture<HttpResponse<T>> of(
      HttpRequest request, HttpResponse.BodyHandler<T> handler, MeshAnswer answer) {
    return of(request, handler, answer, null);
  }

  /** As {@link #of(HttpRequest, HttpResponse.BodyHandler, MeshAnswer)}, after the redirects {@code previous}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> CompletableFuture<HttpResponse<T>> of(
      HttpRequest request, HttpResponse.BodyHandler<T> handler, MeshAnswer answer, HttpResponse<?> previous) {
    HttpHeaders headers = headers(answer);
    int status = answer.status();
    HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return headers;
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
    HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
    subscriber.onSubscribe(new OneBuffer(subscriber, answer.body()));
    return subscriber.getBody().toCompletableFuture()
        .thenApply(body -> new MeshAnsweredResponse<>(request, status, headers, body, (HttpResponse) previous));
  }

  /** Hands the whole body to the subscriber on its first request, then completes it. */
  private static final class OneBuffer implements Flow.Subscription {
    private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private final byte[] bytes;
    private boolean done;

    OneBuffer(Flow.Subscriber<? super List<ByteBuffer>> subscriber, byte[] bytes) {
      this.subscriber = subscriber;
      this.bytes = bytes;
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done || n <= 0) {
          return;
        }
        done = true;
      }
      subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
      subscriber.onComplete();
    }

    @Override
    public synchronized void cancel() {
      done = true;
    }
  }

  @Override
  public int statusCode() {
    return status;
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.ofNullable(previous);
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }
}
