package io.inboard.agent.instrument.outbound;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives a {@code java.net.http} call the mesh answers itself (an injected abort, no route, no
 * instance, a redirect, a direct response) its {@link MeshAnswer} as the client gives a server's: a
 * {@link MeshAnsweredResponse} read through the application's own body handler, so {@code send}
 * returns it and {@code sendAsync}'s future completes with it, exactly as with an Envoy sidecar.
 */
final class JdkMeshAnswer {
  private JdkMeshAnswer() {}

  /**
   * The future to give the application instead of sending {@code request}. An injected delay is
   * waited on a timer, not on the caller's thread: {@code sendAsync} returns at once and {@code send}
   * waits for the future as it waits for a server. The call is recorded once, with the answer's
   * status, when it is given. Without a body handler, after the delay, the {@link RefusedCall} to fail
   * the call with (as before answers were given), which the caller records. With {@code redirects}
   * (or {@code null}), a redirect the client follows is followed, and the response given ends the
   * redirects followed so far.
   */
  static Object give(MeshCalls calls, HttpRequest request, Object bodyHandler, CallPlan.Answered answered,
      JdkRedirects redirects) {
    if (!(bodyHandler instanceof HttpResponse.BodyHandler<?> handler)) {
      MeshCalls.delay(answered.delay());
      return new RefusedCall(answered);
    }
    CompletableFuture<HttpResponse<?>> given = new CompletableFuture<>();
    Duration delay = answered.delay();
    if (delay == null || delay.isZero() || delay.isNegative()) {
      answer(calls, request, handler, answered, redirects, given);
    } else {
      CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS)
          .execute(() -> answer(calls, request, handler, answered, redirects, given));
    }
    return given;
  }

  /**
   * Completes {@code given} with the answer, unless the application cancelled it during the delay.
   * Fails open: when the response cannot be made (the application's handler throws on it), the call
   * fails with the {@link RefusedCall} it failed with before answers were given.
   */
  private static void answer(MeshCalls calls, HttpRequest request, HttpResponse.BodyHandler<?> handler,
      CallPlan.Answered answered, JdkRedirects redirects, CompletableFuture<HttpResponse<?>> given) {
    if (given.isDone()) {
      return;
    }
    calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
    MeshAnswer answer = MeshAnswer.of(answered, false);
    CompletableFuture<? extends HttpResponse<?>> response;
    try {
      CompletableFuture<HttpResponse<?>> followed = redirects == null ? null : redirects.follow(request, answer);
      response = followed != null
          ? followed
          : MeshAnsweredResponse.of(request, handler, answer, redirects == null ? null : redirects.previous());
    } catch (Throwable t) {
      RefusedCall refused = new RefusedCall(answered);
      refused.addSuppressed(t);
      given.completeExceptionally(refused);
      return;
    }
    JdkRedirects.relay(response, given);
  }
}
