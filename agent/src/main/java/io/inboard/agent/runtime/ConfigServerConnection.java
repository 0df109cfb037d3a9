package io.inboard.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The agent's side of the config server's REST contract: instance leases
 * ({@code PUT/DELETE /v1/namespaces/{ns}/instances/{id}}) and the snapshot watch
 * ({@code GET /v1/snapshot?since=REV&timeoutSeconds=T}, 200 with the snapshot or 304 unchanged).
 */
class ConfigServerConnection {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final String token;
  private final HttpClient client;

  ConfigServerConnection(URI server, String token, Duration connectTimeout) {
    this.server = server;
    this.token = token;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  URI server() {
    return server;
  }

  /** Creates or renews the lease of {@code instance} for {@code ttl}. */
  void register(Instance instance, Duration ttl) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("service", instance.service());
    body.put("address", instance.address());
    body.put("port", instance.port());
    ObjectNode labels = body.putObject("labels");
    instance.labels().forEach(labels::put);
    body.put("ttlSeconds", Math.max(1, ttl.toSeconds()));
    HttpRequest request =
        authorized(HttpRequest.newBuilder(instanceUri(instance)))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    expect(client.send(request, HttpResponse.BodyHandlers.ofString()), "register " + instance.id());
  }

  /** Removes the lease; a 404 (already gone) is fine. */
  void deregister(Instance instance, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request =
        authorized(HttpRequest.newBuilder(instanceUri(instance))).timeout(timeout).DELETE().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 404) {
      expect(response, "deregister " + instance.id());
    }
  }

  /**
   * Long-polls for a snapshot newer than {@code since}: its wire bytes, or {@code null} when
   * nothing changed within {@code hold}.
   */
  byte[] watch(long since, Duration hold) throws IOException, InterruptedException {
    URI uri = URI.create(server + "/v1/snapshot?since=" + since + "&timeoutSeconds=" + Math.max(1, hold.toSeconds()));
    HttpRequest request =
        authorized(HttpRequest.newBuilder(uri))
            .timeout(hold.plusSeconds(10))
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 304) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), "watch the snapshot");
    }
    return response.body();
  }

  private URI instanceUri(Instance instance) {
    return URI.create(
        server
            + "/v1/namespaces/"
            + URLEncoder.encode(instance.namespace(), StandardCharsets.UTF_8)
            + "/instances/"
            + URLEncoder.encode(instance.id(), StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    if (token != null && !token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private void expect(HttpResponse<String> response, String what) throws IOException {
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), response.body(), what);
    }
  }

  private IOException failure(int status, String body, String what) {
    String hint =
        status == 401 || status == 403
            ? "; give the agent token with the option token (INBOARD_TOKEN)"
            : "";
    String text = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    return new IOException("config server " + server + " refused to " + what + ": " + status + " " + text + hint);
  }
}
