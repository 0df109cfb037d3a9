package io.inboard.agent.instrument.outbound;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.mesh.Instance;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The application interceptor the agent adds to every OkHttp client: routes calls to mesh hosts,
 * adds the propagated headers, applies the rule's timeout and retries; a refused call gets a
 * synthetic response carrying {@code x-inboard-reason} instead of a network call. Other hosts pass
 * through untouched.
 */
public final class InboardInterceptor implements Interceptor {
  /** Header naming why the mesh answered a call itself. */
  public static final String REASON_HEADER = "x-inboard-reason";

  private static final MediaType TEXT = MediaType.get(MeshAnswer.CONTENT_TYPE);

  private final MeshCalls calls;
  private final RewrittenUrls urls = new RewrittenUrls();
  private final OkHttpMirror mirror;

  InboardInterceptor(MeshCalls calls) {
    this.calls = calls;
    this.mirror = new OkHttpMirror(calls.mirrors());
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    return send(chain, chain.request(), null);
  }

  /**
   * Routes one request of the call: the application's, or a follow-up of a mesh redirect
   * ({@code redirects} not {@code null}: a redirect the mesh answers is then left to that
   * {@link OkHttpRedirects} to follow, not followed here again).
   */
  Response send(Chain chain, Request request, OkHttpRedirects redirects) throws IOException {
    CallPlan plan;
    PropagationContext context;
    OutgoingRequest view;
    try {
      HttpUrl url = request.url();
      if (!MeshCalls.routable(url.scheme())) {
        return chain.proceed(request);
      }
      PropagationContext tagged = request.tag(PropagationContext.class);
      context = tagged != null ? tagged : PropagationContext.current();
      String host = request.header("Host");
      int port = url.port();
      PropagationContext headersFrom = context;
      view =
          new OutgoingRequest(
              request.method(),
              url.scheme(),
              host != null
                  ? host
                  : OutgoingRequest.authority(url.host(), port == HttpUrl.defaultPort(url.scheme()) ? -1 : port),
              url.encodedPath(),
              url.encodedQuery(),
              name -> {
                String value = request.header(name);
                return value != null ? value : headersFrom.get(name);
              },
              calls.routing().caller());
      plan = calls.plan(view);
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return chain.proceed(request);
    }

    if (plan instanceof CallPlan.Answered answered) {
      MeshCalls.delay(answered.delay());
      calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
      Response response = answer(request, answered);
      // Only a redirect carries a location: the ordinary answer pays this one check.
      return answered.location() == null ? response : OkHttpRedirects.follow(this, chain, response, redirects);
    }
    if (!(plan instanceof CallPlan.Routed routed)) {
      return chain.proceed(request);
    }

    Request rewritten;
    try {
      rewritten = rewrite(request, routed, context);
      MeshCalls.delay(routed.delay());
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return chain.proceed(request);
    }
    DestinationLimits limits = calls.limits(routed.decision());
    if (limits != null && !limits.tryStartRequest()) {
      return overloaded(request, calls.overloaded(routed.decision(), view, limits));
    }
    Tries tries = new Tries(chain, request, context, view, routed, limits);
    try {
      if (routed.decision().actions().mirrors().isEmpty()) {
        return tries.send(rewritten);
      }
      return sendMirrored(chain, rewritten, routed, tries);
    } finally {
      // The slot is held until the answer's headers are in (or the call failed): an async call's
      // too, as OkHttp runs the interceptors of an enqueued call on its dispatcher thread.
      tries.endRetry();
      if (limits != null) {
        limits.endRequest();
      }
    }
  }

  /**
   * Sends a call whose rule mirrors it, and its copy, once per call (retries are not copied again).
   * A copy without a body goes out alongside the call, as Envoy sends its shadow; one with a body
   * once the call's own body has been written (its answer is in, or it failed), so the application's
   * body is never written by two threads at once. The call itself is not touched either way.
   */
  private Response sendMirrored(Chain chain, Request rewritten, CallPlan.Routed routed, Tries tries)
      throws IOException {
    boolean alongside = rewritten.body() == null;
    if (alongside) {
      mirror.send(chain.call(), rewritten, routed);
    }
    try {
      return tries.send(rewritten);
    } finally {
      if (!alongside) {
        mirror.send(chain.call(), rewritten, routed);
      }
    }
  }

  /**
   * One routed call's tries: the first, then as many retries as the rule's policy allows
   * ({@link RetryPolicy}), each to an instance of the same destination, after Envoy's back-off. The
   * metrics record the call once, with the last try's instance and answer; the in-flight counts
   * follow each try. Whatever the application's chain throws reaches it unchanged.
   */
  private final class Tries {
    private final Chain chain;
    private final Request request;
    private final PropagationContext context;
    private final OutgoingRequest view;
    private final CallPlan.Routed first;
    /** The destination's circuit breaker, or {@code null}: retries and the connect timeout. */
    private final DestinationLimits limits;
    private final long start = System.nanoTime();
    private int retriesDone;
    /** Whether a retry slot is held: from the retry's decision until its outcome is known. */
    private boolean retrySlot;
    /** The instances tried so far, once there is a retry (a retry avoids them; see RetryPolicy). */
    private List<Instance> tried;

    Tries(Chain chain, Request request, PropagationContext context, OutgoingRequest view, CallPlan.Routed first,
        DestinationLimits limits) {
      this.limits = limits;
      this.chain = chain;
      this.request = request;
      this.context = context;
      this.view = view;
      this.first = first;
    }

    Response send(Request rewritten) throws IOException {
      CallPlan.Routed attempt = first;
      Request sent = rewritten;
      while (true) {
        Chain next = withTimeouts(attemptTimeoutMillis());
        Response response = null;
        IOException failure = null;
        calls.routing().callStarted(attempt.decision());
        try {
          response = next.proceed(sent);
        } catch (IOException e) {
          failure = e;
        } catch (RuntimeException | Error e) {
          calls.routing().recordOutbound(attempt.decision(), 0, System.nanoTime() - start);
          throw e;
        } finally {
          calls.routing().callFinished(attempt.decision());
          endRetry();
        }
        if (response != null) {
          calls.tried(attempt.decision(), response.code());
        } else if (!chain.call().isCanceled()) {
          calls.tried(attempt.decision(), 0); // no answer; a call the application cancelled says nothing of the instance
        }
        CallPlan.Routed retry = retryAfter(response, failure);
        Request retried = retry == null ? null : rewriteForRetry(retry);
        if (retried == null) {
          calls.routing().recordOutbound(
              attempt.decision(), response == null ? 0 : response.code(), System.nanoTime() - start);
          if (failure != null) {
            throw failure;
          }
          return response;
        }
        if (response != null) {
          response.close();
        }
        attempt = retry;
        sent = retried;
      }
    }

    /**
     * The next try's plan when this answer or failure is retried (after waiting the back-off), else
     * {@code null}. A failure of the retry machinery itself ends the retries: the application gets
     * the answer it would have had without them.
     */
    private CallPlan.Routed retryAfter(Response response, IOException failure) {
      try {
        Decision.Retries retries = first.decision().actions().retries();
        if (!RetryPolicy.mayRetry(retries, retriesDone, request.method(), request.body() != null)
            || deadlinePassed()
            || chain.call().isCanceled()) {
          return null;
        }
        boolean retried = failure != null
            ? RetryPolicy.retriesFailure(retries, MeshCalls.failureOf(failure))
            : RetryPolicy.retriesStatus(retries, response.code());
        if (!retried || !startRetry()
            || !backOff(retries, ++retriesDone) || deadlinePassed() || chain.call().isCanceled()) {
          return null;
        }
        tried = MeshCalls.triedSoFar(tried, first);
        return calls.retryPlan(first, view, tried);
      } catch (Throwable t) {
        calls.routing().recordFailure("okhttp.retry", t);
        return null;
      }
    }

    /** A retry may be made when {@code maxRetries} allows another in flight at the destination. */
    private boolean startRetry() {
      if (limits == null) {
        return true;
      }
      retrySlot = limits.tryStartRetry();
      return retrySlot;
    }

    void endRetry() {
      if (retrySlot) {
        retrySlot = false;
        limits.endRetry();
      }
    }

    /** The request for the next try, or {@code null} (no retry) if it cannot be built. */
    private Request rewriteForRetry(CallPlan.Routed retry) {
      try {
        return rewrite(request, retry, context);
      } catch (Throwable t) {
        calls.routing().recordFailure("okhttp.retry", t);
        return null;
      }
    }

    /** This try's limit in milliseconds (see {@link MeshCalls#tryTimeout}); 0 for none. */
    private long attemptTimeoutMillis() {
      Duration limit = MeshCalls.tryTimeout(first, System.nanoTime() - start);
      return limit == null ? 0 : Math.max(1, limit.toMillis());
    }

    private boolean deadlinePassed() {
      return MeshCalls.routeTimeoutPassed(first, System.nanoTime() - start);
    }

    private Chain withTimeouts(long millis) {
      Chain base = chain;
      if (limits != null && limits.connectTimeout() != null) {
        // tcp.connectTimeout, unless the application's own is shorter.
        int connect = (int) Math.min(Integer.MAX_VALUE, Math.max(1, limits.connectTimeout().toMillis()));
        base = base.withConnectTimeout(MeshCalls.shorter(connect, base.connectTimeoutMillis()), TimeUnit.MILLISECONDS);
      }
      if (millis <= 0) {
        return base;
      }
      int limit = (int) Math.min(Integer.MAX_VALUE, millis);
      return base
          .withConnectTimeout(MeshCalls.shorter(limit, base.connectTimeoutMillis()), TimeUnit.MILLISECONDS)
          .withReadTimeout(MeshCalls.shorter(limit, base.readTimeoutMillis()), TimeUnit.MILLISECONDS)
          .withWriteTimeout(MeshCalls.shorter(limit, base.writeTimeoutMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** Waits the back-off before retry number {@code attempt}; false when interrupted (no retry then). */
  private static boolean backOff(Decision.Retries retries, int attempt) {
    try {
      Thread.sleep(RetryPolicy.backoffMillis(retries, attempt, ThreadLocalRandom.current()));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Request rewrite(Request request, CallPlan.Routed routed, PropagationContext context) {
    HttpUrl url = urls.rewrite(request.url(), routed.address(), routed.port(), routed.path());
    Request.Builder builder = request.newBuilder().url(url).header("Host", routed.hostHeader());
    // A plain loop: a lambda capturing the builder was an object allocated on every call.
    for (Map.Entry<String, List<String>> header : context.headers().entrySet()) {
      if (request.header(header.getKey()) == null) {
        for (String value : header.getValue()) {
          builder.addHeader(header.getKey(), value);
        }
      }
    }
    if (MeshCalls.hasHeaderOps(routed.headers())) {
      MeshCalls.applyHeaderOps(routed.headers(), builder::removeHeader, builder::header, builder::addHeader);
    }
    return builder.build();
  }

  /** The 503 of a call its destination's {@code connectionPool} turned away, as Envoy's. */
  private static Response overloaded(Request request, CallPlan.Answered answered) {
    return answer(request, answered, true);
  }

  private static Response answer(Request request, CallPlan.Answered answered) {
    return answer(request, answered, false);
  }

  /** The mesh's {@link MeshAnswer}, as a response OkHttp's own network would have given. */
  private static Response answer(Request request, CallPlan.Answered answered, boolean overloaded) {
    MeshAnswer answer = MeshAnswer.of(answered, overloaded);
    long now = System.currentTimeMillis();
    Response.Builder response =
        new Response.Builder()
            .request(request)
            .protocol(Protocol.HTTP_1_1)
            .code(answer.status())
            .message(answered.reason())
            .body(ResponseBody.create(answer.body(), TEXT))
            .sentRequestAtMillis(now)
            .receivedResponseAtMillis(now);
    answer.headers().forEach(response::header);
    return response.build();
  }
}
