package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The application interceptor the agent adds to every OkHttp client: routes calls to mesh hosts and
 * adds the propagated headers; a refused call gets a synthetic response carrying
 * {@code x-inboard-reason} instead of a network call. Other hosts pass through untouched.
 */
public final class InboardInterceptor implements Interceptor {
  /** Header naming why the mesh answered a call itself. */
  public static final String REASON_HEADER = "x-inboard-reason";

  private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

  private final MeshCalls calls;
  private final RewrittenUrls urls = new RewrittenUrls();

  InboardInterceptor(MeshCalls calls) {
    this.calls = calls;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallPlan plan;
    PropagationContext context;
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
      OutgoingRequest view =
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
      calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
      return answer(request, answered);
    }
    if (!(plan instanceof CallPlan.Routed routed)) {
      return chain.proceed(request);
    }

    Request rewritten;
    Chain next = chain;
    try {
      rewritten = rewrite(request, routed, context);
      if (routed.timeout() != null) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, routed.timeout().toMillis()));
        next =
            chain
                .withConnectTimeout(shorter(millis, chain.connectTimeoutMillis()), TimeUnit.MILLISECONDS)
                .withReadTimeout(shorter(millis, chain.readTimeoutMillis()), TimeUnit.MILLISECONDS)
                .withWriteTimeout(shorter(millis, chain.writeTimeoutMillis()), TimeUnit.MILLISECONDS);
      }
      MeshCalls.delay(routed.delay());
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return chain.proceed(request);
    }
    long start = System.nanoTime();
    int status = 0;
    calls.routing().callStarted(routed.decision());
    try {
      Response response = next.proceed(rewritten);
      status = response.code();
      return response;
    } finally {
      calls.routing().callFinished(routed.decision());
      calls.routing().recordOutbound(routed.decision(), status, System.nanoTime() - start);
    }
  }

  /** The rule's timeout, unless the application's own is shorter; OkHttp's 0 means none. */
  static int shorter(int mesh, int application) {
    return application == 0 ? mesh : Math.min(mesh, application);
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

  private static Response answer(Request request, CallPlan.Answered answered) {
    long now = System.currentTimeMillis();
    Response.Builder response =
        new Response.Builder()
            .request(request)
            .protocol(Protocol.HTTP_1_1)
            .code(answered.status())
            .message(answered.reason())
            .header(REASON_HEADER, answered.reason())
            .body(ResponseBody.create(answered.body() == null ? "" : answered.body(), TEXT))
            .sentRequestAtMillis(now)
            .receivedResponseAtMillis(now);
    if (answered.location() != null) {
      response.header("Location", answered.location());
    }
    return response.build();
  }
}
