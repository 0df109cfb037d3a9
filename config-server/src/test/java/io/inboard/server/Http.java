package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to the server under test, returning status and body as they came. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  record Response(int status, byte[] bytes) {
    String body() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body(), e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body();
    }
  }

  private final String base;
  private final String token;

  Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  Http(String base) {
    this(base, null);
  }

  Http withToken(String t) {
    return new Http(base, t);
  }

  Response get(String path) throws IOException {
    return send("GET", path, (byte[]) null, null);
  }

  Response delete(String path) throws IOException {
    return send("DELETE", path, (byte[]) null, null);
  }

  Response put(String path, String body) throws IOException {
    return send("PUT", path, body, "application/yaml");
  }

  Response apply(String body) throws IOException {
    return send("POST", "/v1/apply", body, "application/yaml");
  }

  Response send(String method, String path, String body, String contentType) throws IOException {
    return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        contentType);
  }

  Response send(String method, String path, byte[] body, String contentType) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
