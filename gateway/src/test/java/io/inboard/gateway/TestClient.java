package io.inboard.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/** A real HTTP client for tests: sends to the gateway on 127.0.0.1 with any {@code Host}. */
final class TestClient implements AutoCloseable {
  private final HttpClient client = new HttpClient();
  private final int port;

  TestClient(int port) throws Exception {
    this.port = port;
    client.setFollowRedirects(false);
    client.setMaxConnectionsPerDestination(64);
    client.start();
  }

  HttpClient jetty() {
    return client;
  }

  Request request(String host, String pathAndQuery) {
    return client.newRequest("http://127.0.0.1:" + port + pathAndQuery)
        .method(HttpMethod.GET)
        .timeout(30, TimeUnit.SECONDS)
        .headers(h -> h.put(HttpHeader.HOST, host));
  }

  ContentResponse get(String host, String pathAndQuery, String... headerPairs) throws Exception {
    Request request = request(host, pathAndQuery);
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      String name = headerPairs[i];
      String value = headerPairs[i + 1];
      request.headers(h -> h.add(name, value));
    }
    return request.send();
  }

  /** The upstream's echo body as {@code name → value} (first line wins). */
  static Map<String, String> echo(ContentResponse response) {
    return echo(response.getContentAsString());
  }

  /** An echo body as {@code name → value} (first line wins). */
  static Map<String, String> echo(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        out.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }
}
