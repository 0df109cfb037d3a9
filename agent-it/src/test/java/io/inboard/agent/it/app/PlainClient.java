package io.inboard.agent.it.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * An application with nothing but the JDK on its class path (no Servlet API, no OkHttp): calls the
 * URL given as its argument once with the JDK client and prints the answer's body.
 */
public final class PlainClient {
  private PlainClient() {}

  public static void main(String[] args) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(args[0])).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("status=" + response.statusCode() + " body=" + response.body().strip());
  }
}
