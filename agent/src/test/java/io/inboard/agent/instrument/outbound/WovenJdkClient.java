package io.inboard.agent.instrument.outbound;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link HttpClient} used as the agent's woven {@code sendAsync} uses it: the routing gets the
 * request on the way in and the future (with the client and body handler) on the way out.
 */
final class WovenJdkClient {
  private final JdkHttpRouting jdk;
  private final HttpClient client;

  WovenJdkClient(MeshCalls calls, HttpClient client) {
    this.jdk = new JdkHttpRouting(calls);
    this.client = client;
  }

  /** Routes the request, sends it, and gives the application's future. */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Object token = jdk.request(request, handler);
    if (token instanceof CompletableFuture<?> answered) {
      return (CompletableFuture<HttpResponse<T>>) answered; // the mesh answered: nothing is sent
    }
    CompletableFuture<HttpResponse<T>> pending = client.sendAsync((HttpRequest) token, handler);
    return (CompletableFuture<HttpResponse<T>>) jdk.sent(token, pending, client, handler);
  }

  /** As {@link #sendAsync}, waiting for the answer as {@code send} does, its failure thrown as is. */
  HttpResponse<String> send(HttpRequest request) throws Exception {
    try {
      return sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
