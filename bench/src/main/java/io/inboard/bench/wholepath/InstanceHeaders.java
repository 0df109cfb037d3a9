package io.inboard.bench.wholepath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The headers a set-up's service instances receive from its frontend, read from one call through
 * the frontend (the demo service echoes what it received, and the frontend embeds its downstream's
 * answer). Loading an instance directly with these headers runs the same code as the frontend's
 * calls do: with other headers the JIT compiles branches the real calls then leave, throws that code
 * away when they take the others, and compiles it again from a mixed profile.
 */
final class InstanceHeaders {
  /** Per connection or per request, not part of what the frontend sends each call. */
  private static final Set<String> NOT_REPLAYED =
      Set.of("host", "connection", "keep-alive", "content-length", "transfer-encoding", "te", "upgrade");

  private InstanceHeaders() {}

  static Map<String, String> seenThrough(int frontendPort) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontendPort + "/"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return fromFrontendAnswer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot call the frontend on port " + frontendPort + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Map<String, String> fromFrontendAnswer(int status, String body) throws IOException {
    JsonNode received = new ObjectMapper().readTree(body).path("downstream").path("answer").path("receivedHeaders");
    if (status != 200 || !received.isObject()) {
      throw new IllegalStateException("the frontend answered " + status + " without its downstream's received "
          + "headers (downstream.answer.receivedHeaders): " + body.substring(0, Math.min(400, body.length())));
    }
    Map<String, String> headers = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = received.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      if (!NOT_REPLAYED.contains(header.getKey())) {
        headers.put(header.getKey(), header.getValue().asText());
      }
    }
    return headers;
  }
}
