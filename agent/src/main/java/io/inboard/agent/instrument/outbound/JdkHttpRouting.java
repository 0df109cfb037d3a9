package io.inboard.agent.instrument.outbound;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Applies the mesh's plan to a {@code java.net.http} request. */
final class JdkHttpRouting {
  private final MeshCalls calls;

  JdkHttpRouting(MeshCalls calls) {
    this.calls = calls;
  }

  /** See {@link io.inboard.bridge.OutboundHook#jdkHttpRequest(Object)}. */
  Object request(Object appRequest) {
    return request(appRequest, null, null);
  }

  /**
   * How a call's requests can be sent later by the agent itself: through the application's
   * {@code client}, with its push promise handler. {@code blocking} for {@code send}, whose caller
   * waits for the answer anyway, so an injected delay may be waited on its thread.
   */
  record Sender(HttpClient client, HttpResponse.PushPromiseHandler<?> push, boolean blocking) {
    /** The sender of a call of {@code client}, or {@code null} when it is not a client. */
    static Sender of(Object client, Object push, Object executor) {
      return client instanceof HttpClient http
          ? new Sender(http, push instanceof HttpResponse.PushPromiseHandler<?> p ? p : null, executor == null)
          : null;
    }

    /** This sender for a request the agent sends later, off the application's thread. */
    Sender later() {
      return blocking ? new Sender(client, push, false) : this;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<HttpResponse<?>> send(HttpRequest request, HttpResponse.BodyHandler<?> handler) {
      return (CompletableFuture) client.sendAsync(request, (HttpResponse.BodyHandler) handler,
          (HttpResponse.PushPromiseHandler) push);
    }
  }

  /**
   * See {@link io.inboard.bridge.OutboundHook#jdkHttpRequest(Object, Object, Object, Object, Object)}:
   * with the body handler, a call the mesh answers itself gets its answer as a response
   * ({@link JdkMeshAnswer}), and so does one its destination's {@code connectionPool} turns away (a
   * 503); with the {@code sender} too, a redirect the client follows is followed
   * ({@link JdkRedirects}), and {@code sendAsync} waits an injected delay on a timer.
   */
  Object request(Object appRequest, Object bodyHandler, Sender sender) {
    if (!(appRequest instanceof HttpRequest request) || appRequest instanceof MeshHttpRequest) {
      return appRequest;
    }
    return route(request, bodyHandler, sender, null, null);
  }

  /**
   * Routes {@code request}: the application's ({@code context} {@code null}: the caller's), or the
   * follow-up of a redirect ({@code redirects}, with the call's {@code context}).
   */
  Object route(HttpRequest request, Object bodyHandler, Sender sender, PropagationContext callContext,
      JdkRedirects redirects) {
    try {
      URI uri = request.uri();
      if (!MeshCalls.routable(uri.getScheme())) {
        return request;
      }
      PropagationContext context = callContext != null ? callContext : PropagationContext.current();
      String host = request.headers().firstValue("host").orElse(null);
      OutgoingRequest view =
          new OutgoingRequest(
              request.method(),
              uri.getScheme(),
              host != null ? host : OutgoingRequest.authority(uri.getHost(), uri.getPort()),
              uri.getRawPath(),
              uri.getRawQuery(),
              name -> request.headers().firstValue(name).orElseGet(() -> context.get(name)),
              calls.routing().caller());
      CallPlan plan = calls.plan(view);
      if (plan instanceof CallPlan.Answered answered) {
        JdkRedirects following = redirects == null && answered.location() != null
            ? JdkRedirects.of(this, sender, context, bodyHandler)
            : redirects;
        return JdkMeshAnswer.give(calls, request, bodyHandler, answered, following);
      }
      if (!(plan instanceof CallPlan.Routed routed)) {
        return request;
      }
      long start = System.nanoTime();
      HttpRequest rewritten = rewrite(request, routed, MeshCalls.tryTimeout(routed, 0), context);
      Duration delay = routed.delay();
      if (delay != null && !delay.isZero() && !delay.isNegative() && sender != null && !sender.blocking()
          && bodyHandler instanceof HttpResponse.BodyHandler<?> handler) {
        // sendAsync: the caller gets its future at once; the request goes out when the delay is over.
        CompletableFuture<HttpResponse<?>> given = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(
            () -> sendDelayed(given, sender, handler, redirects,
                () -> admitted(request, handler, view, routed, rewritten, start, context, redirects)));
        return given;
      }
      MeshCalls.delay(delay);
      return admitted(request, bodyHandler, view, routed, rewritten, start, context, redirects);
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient", t);
      return request;
    }
  }

  /**
   * The routed request to send once any delay is over, holding its place at its destination's
   * {@code connectionPool}; or the future of the 503 a full one answers with.
   */
  private Object admitted(HttpRequest request, Object bodyHandler, OutgoingRequest view, CallPlan.Routed routed,
      HttpRequest rewritten, long start, PropagationContext context, JdkRedirects redirects) {
    // Without the application's body handler there is no answer to make, and the client's
    // sendAsync throws before its future exists (nothing would give the slot back): not limited.
    DestinationLimits limits = bodyHandler == null ? null : calls.limits(routed.decision());
    if (limits != null && !limits.tryStartRequest()) {
      Object answered = overloaded(request, bodyHandler, calls.overloaded(routed.decision(), view, limits),
          redirects == null ? null : redirects.previous());
      if (answered != null) {
        return answered;
      }
      limits = null; // no response could be made: the call goes out, unlimited (fail open)
    }
    RoutedHttpRequest sent =
        new RoutedHttpRequest(rewritten, routed.decision(), start, request, view, routed, context, false);
    sent.limits = limits;
    return sent;
  }

  /**
   * After a delay waited on a timer: unless the application cancelled {@code given} meanwhile, takes
   * the call's place at its destination ({@code admit}) and sends what that gives through the application's client (the woven client follows it as any routed call:
   * metrics, retries, mirrors) and completes {@code given} with its outcome.
   */
  private void sendDelayed(CompletableFuture<HttpResponse<?>> given, Sender sender,
      HttpResponse.BodyHandler<?> handler, JdkRedirects redirects, Supplier<Object> admit) {
    if (given.isDone()) {
      return; // cancelled during the delay: never sent, no place taken
    }
    Object next = null;
    try {
      next = admit.get();
      @SuppressWarnings("unchecked")
      CompletableFuture<HttpResponse<?>> outcome = next instanceof CompletableFuture<?> answered
          ? (CompletableFuture<HttpResponse<?>>) answered
          : sender.send((HttpRequest) next, handler);
      JdkRedirects.relay(redirects == null || next instanceof CompletableFuture<?> ? outcome : redirects.after(outcome), given);
    } catch (Throwable t) {
      if (next instanceof RoutedHttpRequest routed && routed.limits != null) {
        routed.limits.endRequest(); // not sent: its place is given back
      }
      // As the client fails a call it cannot send: the application gets the failure, never a hang.
      given.completeExceptionally(t);
    }
  }

  /**
   * The request to send for one try of {@code routed}: to its instance, with the logical host, the
   * propagated headers of {@code context}, the rule's header operations, and {@code timeout} (this
   * try's limit, or {@code null}) when shorter than the application's.
   */
  static HttpRequest rewrite(HttpRequest request, CallPlan.Routed routed, Duration timeout, PropagationContext context) {
    URI uri = request.uri();
    // The builder has no "remove": headers the mesh removes or sets are filtered out of the copy.
    Set<String> dropped = new HashSet<>();
    dropped.add("host");
    routed.headers().remove().forEach(name -> dropped.add(name.toLowerCase(Locale.ROOT)));
    routed.headers().set().keySet().forEach(name -> dropped.add(name.toLowerCase(Locale.ROOT)));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request, (name, value) -> !dropped.contains(name.toLowerCase(Locale.ROOT)));
    String path = routed.path() != null ? routed.path() : uri.getRawPath();
    builder.uri(target(routed.address(), routed.port(), path, uri.getRawQuery()));
    builder.setHeader("Host", routed.hostHeader());
    // A propagated header the rule removes or sets is not added: the builder cannot take it back.
    MeshCalls.addContextHeaders(
        context,
        name -> request.headers().firstValue(name).isPresent() || dropped.contains(name.toLowerCase(Locale.ROOT)),
        builder::header);
    if (MeshCalls.hasHeaderOps(routed.headers())) {
      MeshCalls.applyHeaderOps(routed.headers(), name -> {}, builder::setHeader, builder::header);
    }
    if (timeout != null && (request.timeout().isEmpty() || request.timeout().get().compareTo(timeout) > 0)) {
      builder.timeout(timeout);
    }
    return builder.build();
  }

  /**
   * Reports one try's outcome to outlier detection: the response's status, or 0 for a network
   * failure; nothing for a cancelled call or a failure that is not the network's.
   */
  static void tried(MeshCalls calls, Decision decision, Object response, Throwable error) {
    if (response instanceof HttpResponse<?> r) {
      calls.tried(decision, r.statusCode());
    } else if (error != null && JdkTries.failureOf(error) != null) {
      calls.tried(decision, 0);
    }
  }

  static URI target(String address, int port, String path, String query) {
    String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
    StringBuilder uri = new StringBuilder("http://").append(host).append(':').append(port);
    uri.append(path == null || path.isEmpty() ? "/" : path);
    if (query != null) {
      uri.append('?').append(query);
    }
    return URI.create(uri.toString());
  }

  /**
   * The future of a 503 with {@code x-envoy-overloaded: true} read through the application's body
   * handler, or {@code null} when there is no handler or it fails on it.
   */
  private Object overloaded(HttpRequest request, Object bodyHandler, CallPlan.Answered answered,
      HttpResponse<?> previous) {
    if (!(bodyHandler instanceof HttpResponse.BodyHandler<?> handler)) {
      return null;
    }
    try {
      return MeshAnsweredResponse.of(request, handler, MeshAnswer.of(answered, true), previous);
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient.overflow", t);
      return null;
    }
  }

  /**
   * See {@link io.inboard.bridge.OutboundHook#jdkHttpSent}: the future to give the application; the
   * first try's circuit-breaker slot is given back when that future completes, however it does.
   */
  Object sent(Object token, Object future, Object client, Object bodyHandler) {
    Object out = follow(token, future, client, bodyHandler);
    if (token instanceof RoutedHttpRequest routed && !routed.retry && routed.limits != null) {
      DestinationLimits limits = routed.limits;
      if (out instanceof CompletableFuture<?> given) {
        given.whenComplete((response, error) -> limits.endRequest());
      } else { // nothing to wait for
        limits.endRequest();
      }
    }
    return out;
  }

  /**
   * With the client and the body handler
   * (both may be {@code null}), a call whose rule may retry it is followed by {@link JdkTries},
   * which gives the application the last try's outcome, and a call whose rule mirrors it is copied
   * ({@link JdkMirror}) once its own request is on its way.
   */
  private Object follow(Object token, Object future, Object client, Object bodyHandler) {
    try {
      if (token instanceof RefusedCall refused) {
        calls.routing().recordOutbound(refused.decision(), refused.status(), 0);
        return CompletableFuture.failedFuture(refused);
      }
      if (token instanceof RoutedHttpRequest routed && routed.retry) {
        return future; // the first try's JdkTries follows and records it
      }
      if (token instanceof RoutedHttpRequest routed
          && !routed.decision.actions().mirrors().isEmpty()
          && client instanceof HttpClient http) {
        JdkMirror.send(calls.mirrors(), http, routed); // once per call: retries are not mirrored again
      }
      if (token instanceof RoutedHttpRequest routed
          && future instanceof CompletableFuture<?> pending
          && client instanceof HttpClient http
          && bodyHandler instanceof HttpResponse.BodyHandler<?> handler
          && JdkTries.mayRetry(routed)) {
        return new JdkTries(calls, http, handler, routed).follow(pending);
      }
      if (token instanceof RoutedHttpRequest routed && future instanceof CompletableFuture<?> pending) {
        calls.routing().callStarted(routed.decision);
        pending.whenComplete(
            (response, error) -> {
              calls.routing().callFinished(routed.decision);
              tried(calls, routed.decision, response, error);
              calls
                  .routing()
                  .recordOutbound(
                      routed.decision,
                      response instanceof HttpResponse<?> r ? r.statusCode() : 0,
                      System.nanoTime() - routed.startNanos);
            });
      }
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient", t);
    }
    return future;
  }
}
