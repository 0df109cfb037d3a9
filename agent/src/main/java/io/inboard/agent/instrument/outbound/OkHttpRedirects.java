package io.inboard.agent.instrument.outbound;

import java.io.IOException;
import java.net.ProtocolException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.internal.connection.RealCall;

/**
 * Follows a redirect the mesh answered an OkHttp call with, as the client's own follow-up
 * interceptor follows a server's. The agent's interceptor is an application interceptor, so its
 * answer never passes OkHttp's {@code RetryAndFollowUpInterceptor}; behind an Envoy sidecar the
 * client would have got that redirect from the network and followed it. The same rules apply: only
 * with {@code followRedirects()} (and {@code followSslRedirects()} across schemes), at most 20
 * follow-ups ({@code ProtocolException: Too many follow-up requests: 21}), a method that may have a
 * body becomes {@code GET} without it except for 307 and 308 ({@code PROPFIND} keeps both), a
 * one-shot body is not sent twice (the redirect is given instead), {@code Authorization} is dropped
 * for another host, and the final response carries the redirects as {@code priorResponse()}, without
 * their bodies. Each follow-up is routed by the mesh again: another rule, another redirect, or out
 * of the mesh through the rest of the application's chain.
 */
final class OkHttpRedirects {
  /** OkHttp's {@code MAX_FOLLOW_UPS}. */
  static final int MAX_FOLLOW_UPS = 20;

  private final InboardInterceptor interceptor;
  private final Interceptor.Chain chain;
  private final OkHttpClient client;
  /** The redirect the mesh answered the last follow-up with, when it did. */
  private Response meshRedirect;

  private OkHttpRedirects(InboardInterceptor interceptor, Interceptor.Chain chain, OkHttpClient client) {
    this.interceptor = interceptor;
    this.chain = chain;
    this.client = client;
  }

  /**
   * What the application gets for {@code redirect}, the mesh's answer to a request of the call:
   * when that request is itself a follow-up ({@code following} not {@code null}) the redirect as it
   * is, for {@code following} to go on with; else the response at the end of the redirects the
   * client follows. Fails open: when the client's settings cannot be read, the redirect is given.
   */
  static Response follow(InboardInterceptor interceptor, Interceptor.Chain chain, Response redirect,
      OkHttpRedirects following) throws IOException {
    if (following != null) {
      following.meshRedirect = redirect;
      return redirect;
    }
    OkHttpClient client;
    try {
      // RealCall is OkHttp's only Call (4.x and 5.x); the interceptor chain exposes no client.
      client = ((RealCall) chain.call()).getClient();
    } catch (Throwable t) {
      return redirect;
    }
    return new OkHttpRedirects(interceptor, chain, client).follow(redirect);
  }

  private Response follow(Response redirect) throws IOException {
    Response response = redirect;
    Response prior = null;
    int followUps = 0;
    while (true) {
      Request followUp = response == meshRedirect || followUps == 0 ? followUpOrNone(this, response) : null;
      RequestBody body = followUp == null ? null : followUp.body();
      if (followUp == null || (body != null && body.isOneShot())) {
        return withPrior(response, prior);
      }
      response.close();
      if (++followUps > MAX_FOLLOW_UPS) {
        throw new ProtocolException("Too many follow-up requests: " + followUps);
      }
      if (chain.call().isCanceled()) {
        throw new IOException("Canceled");
      }
      prior = stripped(response, prior);
      meshRedirect = null;
      response = interceptor.send(chain, followUp, this);
    }
  }

  /** As {@link #followUp}, or {@code null} when it cannot be made: the redirect is then the answer (fail open). */
  private static Request followUpOrNone(OkHttpRedirects redirects, Response redirect) {
    try {
      return redirects.followUp(redirect);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The request OkHttp makes to follow {@code redirect}, or {@code null} when it would not. */
  private Request followUp(Response redirect) {
    int status = redirect.code();
    if (status != 300 && status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      return null;
    }
    String location = redirect.header("Location");
    if (!client.followRedirects() || location == null) {
      return null;
    }
    Request request = redirect.request();
    HttpUrl url = request.url().resolve(location);
    if (url == null || (!url.scheme().equals(request.url().scheme()) && !client.followSslRedirects())) {
      return null;
    }
    Request.Builder builder = request.newBuilder();
    String method = request.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      boolean keepsMethod = method.equals("PROPFIND");
      boolean keepsBody = keepsMethod || status == 307 || status == 308;
      if (!keepsMethod && status != 307 && status != 308) {
        builder.method("GET", null);
      } else {
        builder.method(method, keepsBody ? request.body() : null);
      }
      if (!keepsBody) {
        builder.removeHeader("Transfer-Encoding").removeHeader("Content-Length").removeHeader("Content-Type");
      }
    }
    HttpUrl from = request.url();
    if (!from.host().equals(url.host()) || from.port() != url.port() || !from.scheme().equals(url.scheme())) {
      builder.removeHeader("Authorization"); // credentials are not sent to another host
    }
    return builder.url(url).build();
  }

  /** {@code response} with {@code prior} at the end of its own chain of prior responses. */
  private static Response withPrior(Response response, Response prior) {
    if (prior == null) {
      return response;
    }
    Response own = response.priorResponse();
    return response.newBuilder().priorResponse(own == null ? prior : withPrior(own, prior)).build();
  }

  /**
   * {@code response} without its body, as a prior response (OkHttp 4 refuses one with a body; a
   * new builder has none on 4 and an empty one on 5), following {@code prior}.
   */
  private static Response stripped(Response response, Response prior) {
    return new Response.Builder()
        .request(response.request())
        .protocol(response.protocol())
        .code(response.code())
        .message(response.message())
        .headers(response.headers())
        .sentRequestAtMillis(response.sentRequestAtMillis())
        .receivedResponseAtMillis(response.receivedResponseAtMillis())
        .priorResponse(prior)
        .build();
  }
}
