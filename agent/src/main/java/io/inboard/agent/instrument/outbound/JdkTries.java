package io.inboard.agent.instrument.outbound;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One routed {@code java.net.http} call's tries: the first, sent by the application, then as many
 * retries as the rule's policy allows ({@link RetryPolicy}), each sent again through the same client
 * with the application's body handler, to an instance of the same destination, after Envoy's
 * back-off (waited on a timer, not on a thread). The application's future completes with the last
 * try's response or failure, exactly as the client gave it; a retried response's body is closed
 * when it can be. The metrics record the call once; the in-flight counts follow each try.
 */
final class JdkTries {
  private final MeshCalls calls;
  private final HttpClient client;
  private final HttpResponse.BodyHandler<?> handler;
  private final RoutedHttpRequest first;
  private final CompletableFuture<Object> result = new CompletableFuture<>();
  private volatile CompletableFuture<?> current;
  private int retriesDone; // touched by one try's completion at a time
  /** Whether a retry slot is held at the destination's circuit breaker (as retriesDone, one at a time). */
  private boolean retrySlot;
  /** The instances tried so far, once there is a retry (a retry avoids them; see RetryPolicy). */
  private List<Instance> tried;

  JdkTries(MeshCalls calls, HttpClient client, HttpResponse.BodyHandler<?> handler, RoutedHttpRequest first) {
    this.calls = calls;
    this.client = client;
    this.handler = handler;
    this.first = first;
  }

  /** Whether the rule could retry this call at all: worth following it try by try. */
  static boolean mayRetry(RoutedHttpRequest request) {
    Decision.Retries retries = request.first.decision().actions().retries();
    return RetryPolicy.mayRetry(retries, 0, request.method(), hasBody(request.original));
  }

  private static boolean hasBody(HttpRequest request) {
    return request.bodyPublisher().map(body -> body.contentLength() != 0).orElse(false);
  }

  /** The future to give the application, following the first try's {@code pending}. */
  CompletableFuture<?> follow(CompletableFuture<?> pending) {
    // A cancelled call stops the try in flight, as cancelling the client's own future would.
    result.whenComplete((response, error) -> {
      CompletableFuture<?> inFlight = current;
      if (result.isCancelled() && inFlight != null) {
        inFlight.cancel(true);
      }
    });
    watch(first, pending);
    return result;
  }

  private void watch(RoutedHttpRequest attempt, CompletableFuture<?> pending) {
    current = pending;
    calls.routing().callStarted(attempt.decision);
    pending.whenComplete((response, error) -> {
      calls.routing().callFinished(attempt.decision);
      endRetry();
      JdkHttpRouting.tried(calls, attempt.decision, response, error);
      RoutedHttpRequest retry = retryAfter(response, error);
      if (retry == null) {
        finish(attempt, response, error);
        return;
      }
      long backoff = RetryPolicy.backoffMillis(
          first.first.decision().actions().retries(), retriesDone, ThreadLocalRandom.current());
      CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> {
        if (result.isDone()) { // cancelled by the application during the back-off: nothing more is sent
          finish(attempt, response, error);
          discard(response);
          return;
        }
        CompletableFuture<?> again;
        try {
          again = client.sendAsync(retry, handler);
        } catch (Throwable t) {
          calls.routing().recordFailure("jdk-httpclient.retry", t);
          finish(attempt, response, error);
          return;
        }
        discard(response);
        watch(retry, again);
      });
    });
  }

  /**
   * The next try's request when this outcome is retried, else {@code null}. A failure of the retry
   * machinery itself ends the retries: the application gets the outcome it would have had.
   */
  private RoutedHttpRequest retryAfter(Object response, Throwable error) {
    try {
      if (result.isDone()) {
        return null; // cancelled by the application
      }
      Decision.Retries retries = first.first.decision().actions().retries();
      long elapsed = System.nanoTime() - first.startNanos;
      // The application's own HttpRequest.timeout() bounds the whole call, as it would without the
      // agent: once it has passed, the call is over, whatever the rule would still allow.
      Duration own = first.original.timeout().orElse(null);
      if (!RetryPolicy.mayRetry(retries, retriesDone, first.method(), hasBody(first.original))
          || MeshCalls.routeTimeoutPassed(first.first, elapsed)
          || (own != null && elapsed >= own.toNanos())) {
        return null;
      }
      boolean retried = error != null
          ? failureOf(error) != null && RetryPolicy.retriesFailure(retries, failureOf(error))
          : response instanceof HttpResponse<?> r && RetryPolicy.retriesStatus(retries, r.statusCode());
      if (!retried || !startRetry()) {
        return null;
      }
      retriesDone++;
      tried = MeshCalls.triedSoFar(tried, first.first);
      CallPlan.Routed plan = calls.retryPlan(first.first, first.view, tried);
      Duration limit = MeshCalls.tryTimeout(first.first, elapsed);
      if (own != null) {
        Duration left = own.minusNanos(elapsed);
        limit = limit == null || left.compareTo(limit) < 0 ? left : limit;
      }
      HttpRequest rewritten = JdkHttpRouting.rewrite(first.original, plan, limit, first.context);
      return new RoutedHttpRequest(
          rewritten, plan.decision(), first.startNanos, first.original, first.view, first.first, first.context, true);
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient.retry", t);
      return null;
    }
  }

  /** A retry may be made when {@code maxRetries} allows another in flight at the destination. */
  private boolean startRetry() {
    if (first.limits == null) {
      return true;
    }
    retrySlot = first.limits.tryStartRetry();
    return retrySlot;
  }

  private void endRetry() {
    if (retrySlot) {
      retrySlot = false;
      first.limits.endRetry();
    }
  }

  private void finish(RoutedHttpRequest attempt, Object response, Throwable error) {
    endRetry();
    calls.routing().recordOutbound(
        attempt.decision,
        response instanceof HttpResponse<?> r ? r.statusCode() : 0,
        System.nanoTime() - first.startNanos);
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(response);
    }
  }

  /** How a try failed without an answer, as {@code retryOn} names it; {@code null}: not a network failure. */
  static RetryPolicy.Failure failureOf(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
      return RetryPolicy.Failure.CONNECT;
    }
    if (cause instanceof HttpTimeoutException) {
      return RetryPolicy.Failure.PER_TRY_TIMEOUT;
    }
    return cause instanceof IOException ? RetryPolicy.Failure.RESET : null;
  }

  /**
   * Releases a retried response's body when it still holds its connection: an InputStream or a
   * Stream is closed; a publisher (BodyHandlers.ofPublisher) is read to its end, so that the
   * connection goes back to the client's pool. Other handlers have read the body already.
   */
  private void discard(Object response) {
    if (!(response instanceof HttpResponse<?> r)) {
      return;
    }
    Object body = r.body();
    try {
      if (body instanceof AutoCloseable closeable) {
        closeable.close();
      } else if (body instanceof Flow.Publisher<?> publisher) {
        publisher.subscribe(new Drain());
      }
    } catch (Exception e) {
      calls.routing().recordFailure("jdk-httpclient.retry", e);
    }
  }

  /** Reads a retried answer's body to its end and drops it. */
  private static final class Drain implements Flow.Subscriber<Object> {
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
