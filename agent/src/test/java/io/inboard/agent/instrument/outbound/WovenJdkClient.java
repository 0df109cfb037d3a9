package io.inboard.agent.instrument.outbound;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A real {@link HttpClient} used as the agent's woven {@code sendAsync} uses it: the routing gets the
 * request on the way in (with this client, so the agent's own sends, a delayed request or a
 * redirect's follow-up, come through here again as they do through the woven client) and the
 * future (with this client and the body handler) on the way out. {@code send} waits on the caller's
 * thread, as the JDK's does.
 */
final class WovenJdkClient extends HttpClient {
  private final JdkHttpRouting jdk;
  private final HttpClient client;

  WovenJdkClient(MeshCalls calls, HttpClient client) {
    this.jdk = new JdkHttpRouting(calls);
    this.client = client;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return woven(request, handler, null, false);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> push) {
    return woven(request, handler, push, false);
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return woven(request, handler, null, true).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** Routes the request, sends it, and gives the application's future. */
  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<HttpResponse<T>> woven(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> push, boolean blocking) {
    Object token = jdk.request(request, handler, new JdkHttpRouting.Sender(this, push, blocking));
    if (token instanceof CompletableFuture<?> answered) {
      return (CompletableFuture<HttpResponse<T>>) answered; // the mesh answered: nothing is sent
    }
    CompletableFuture<HttpResponse<T>> pending = client.sendAsync((HttpRequest) token, handler, push);
    return (CompletableFuture<HttpResponse<T>>) jdk.sent(token, pending, this, handler);
  }

  /** As {@link #sendAsync}, waiting for the answer as {@code send} does, its failure thrown as is. */
  HttpResponse<String> send(HttpRequest request) throws Exception {
    try {
      return sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return client.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client.authenticator();
  }

  @Override
  public Version version() {
    return client.version();
  }

  @Override
  public Optional<Executor> executor() {
    return client.executor();
  }
}
