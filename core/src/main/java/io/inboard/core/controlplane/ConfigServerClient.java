package io.inboard.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.JsonTrees;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small blocking client of the config server's REST API, for the agent, the gateway and
 * {@code inboardctl}. Thread-safe. Every method throws {@link ConfigServerException} when the
 * server refuses (with its status and message) and {@link IOException} when it cannot be reached.
 *
 * <pre>
 * ConfigServerClient client = new ConfigServerClient(URI.create("http://127.0.0.1:15010"), token);
 * client.register(new Instance("user-v1-1", "user", "shop", "10.0.0.5", 8080, Map.of("version", "v1")),
 *     Duration.ofSeconds(30));                  // again every ~10 s as a heartbeat
 * long seen = 0;
 * while (running) {
 *   Optional&lt;SnapshotWire.Content&gt; next = client.watch(seen, Duration.ofSeconds(30));
 *   if (next.isPresent()) { seen = next.get().revision(); install(next.get().compile()); }
 * }
 * </pre>
 *
 * Resource kinds are given as their URL plural: {@code virtualservices}, {@code destinationrules},
 * {@code gateways}.
 */
public final class ConfigServerClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final ConfigServerTransport transport;

  /**
   * @param base e.g. {@code http://127.0.0.1:15010}
   * @param token the bearer token, or {@code null} when the server runs without tokens
   */
  public ConfigServerClient(URI base, String token) {
    this(base, token, HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build());
  }

  public ConfigServerClient(URI base, String token, HttpClient http) {
    this(base, token, new JdkHttpTransport(http));
  }

  public ConfigServerClient(URI base, String token, ConfigServerTransport transport) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.token = token == null || token.isBlank() ? null : token.trim();
    this.transport = transport;
  }

  public URI base() {
    return base;
  }

  /**
   * Creates or renews the lease of an instance (call again before {@code ttl} passes).
   *
   * @return the server's revision after the call
   */
  public long register(Instance instance, Duration ttl) throws IOException {
    ObjectNode body = JsonTrees.object();
    body.put("service", instance.service());
    body.put("address", instance.address());
    body.put("port", instance.port());
    ObjectNode labels = body.putObject("labels");
    instance.labels().forEach(labels::put);
    body.put("ttlSeconds", Math.max(1, ttl.toSeconds()));
    JsonNode out = send("PUT", "/v1/namespaces/" + seg(instance.namespace()) + "/instances/" + seg(instance.id()),
        JsonTrees.string(body, false), "application/json", REQUEST_TIMEOUT);
    return out.path("revision").asLong();
  }

  /** Ends a lease at once (graceful shutdown). A lease that already expired is not an error. */
  public void deregister(String namespace, String id) throws IOException {
    try {
      send("DELETE", "/v1/namespaces/" + seg(namespace) + "/instances/" + seg(id), null, null, REQUEST_TIMEOUT);
    } catch (ConfigServerException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }

  /**
   * Long-polls for a revision other than {@code sinceRevision} (use {@code -1} to get the current
   * one at once). Returns the whole snapshot, or empty when {@code timeout} passed without a change.
   */
  public Optional<SnapshotWire.Content> watch(long sinceRevision, Duration timeout) throws IOException {
    return watch(sinceRevision, timeout, null);
  }

  /**
   * {@link #watch(long, Duration)}, giving up when the answer has not come within {@code
   * answerTimeout} ({@code null}: the hold plus 15 s). A short one suits a first contact, which the
   * server answers at once: a server that accepts and never answers is then found out quickly.
   */
  public Optional<SnapshotWire.Content> watch(long sinceRevision, Duration timeout, Duration answerTimeout)
      throws IOException {
    long seconds = Math.max(0, Math.min(300, timeout.toSeconds()));
    // gzip: the snapshot is mostly repeated keys and labels and shrinks several times; the server
    // compresses it once per revision for all watchers.
    ConfigServerTransport.Answer response = exchange("GET",
        "/v1/snapshot?since=" + sinceRevision + "&timeoutSeconds=" + seconds, null, null,
        answerTimeout != null ? answerTimeout : Duration.ofSeconds(seconds + 15), "Accept-Encoding", "gzip");
    if (response.status() == 304) {
      return Optional.empty();
    }
    check(response);
    try {
      return Optional.of(SnapshotWire.decode(decoded(response)));
    } catch (IllegalArgumentException e) {
      throw new IOException("the config server sent an unreadable snapshot: " + e.getMessage(), e);
    }
  }

  /**
   * Applies one or more documents (YAML or JSON) all-or-nothing.
   *
   * @return {@code {revision, resources: [{kind, namespace, name, action, resourceVersion}], warnings}}
   */
  public JsonNode apply(String body) throws IOException {
    return send("POST", "/v1/apply", body, contentTypeOf(body), REQUEST_TIMEOUT);
  }

  /** Validates and analyzes without storing: {@code {valid, diagnostics: [...]}}. */
  public JsonNode analyze(String body) throws IOException {
    return send("POST", "/v1/analyze", body, contentTypeOf(body), REQUEST_TIMEOUT);
  }

  /** Replaces one resource (its body must name the same kind, namespace and name). */
  public JsonNode put(String kindPlural, String namespace, String name, String body) throws IOException {
    return send("PUT", resourcePath(kindPlural, namespace, name), body, contentTypeOf(body), REQUEST_TIMEOUT);
  }

  /** One stored resource as JSON, with its {@code metadata.resourceVersion}. */
  public JsonNode get(String kindPlural, String namespace, String name) throws IOException {
    return send("GET", resourcePath(kindPlural, namespace, name), null, null, REQUEST_TIMEOUT);
  }

  /** {@code {kind, revision, items}}; {@code namespace == null} lists every namespace. */
  public JsonNode list(String kindPlural, String namespace) throws IOException {
    String path = namespace == null ? "/v1/" + seg(kindPlural)
        : "/v1/namespaces/" + seg(namespace) + "/" + seg(kindPlural);
    return send("GET", path, null, null, REQUEST_TIMEOUT);
  }

  public JsonNode delete(String kindPlural, String namespace, String name) throws IOException {
    return send("DELETE", resourcePath(kindPlural, namespace, name), null, null, REQUEST_TIMEOUT);
  }

  /** {@code {revision, items: [instance...]}}; either filter may be {@code null}. */
  public JsonNode instances(String namespace, String service) throws IOException {
    String path = namespace == null ? "/v1/instances" : "/v1/namespaces/" + seg(namespace) + "/instances";
    if (service != null) {
      path += "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8);
    }
    return send("GET", path, null, null, REQUEST_TIMEOUT);
  }

  /** Decides a described request (the explain request JSON) against the server's live state. */
  public JsonNode explain(JsonNode explainRequest) throws IOException {
    return send("POST", "/v1/explain", JsonTrees.string(explainRequest, false), "application/json", REQUEST_TIMEOUT);
  }

  private JsonNode send(String method, String path, String body, String contentType, Duration timeout)
      throws IOException {
    ConfigServerTransport.Answer response = exchange(method, path,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), body == null ? null : contentType, timeout);
    check(response);
    JsonNode tree = JsonTrees.read(response.body()); // null for an empty body
    return tree == null ? JsonTrees.object() : tree;
  }

  /** One request with the client's own headers ({@code Accept}, the token) and {@code more}. */
  private ConfigServerTransport.Answer exchange(String method, String path, byte[] body, String contentType,
      Duration timeout, String... more) throws IOException {
    List<String> headers = new ArrayList<>(8);
    headers.add("Accept");
    headers.add("application/json");
    if (token != null) {
      headers.add("Authorization");
      headers.add("Bearer " + token);
    }
    if (contentType != null) {
      headers.add("Content-Type");
      headers.add(contentType);
    }
    headers.addAll(List.of(more));
    try {
      return transport.exchange(method, URI.create(base + path), headers, body, timeout);
    } catch (IOException e) {
      throw new IOException("cannot reach the config server at " + base + ": " + e, e);
    }
  }

  /** The body with its content coding undone ({@code gzip} or none). */
  private byte[] decoded(ConfigServerTransport.Answer response) throws IOException {
    String coding = response.contentEncoding() == null ? "identity" : response.contentEncoding().trim();
    if (coding.equalsIgnoreCase("identity")) {
      return response.body();
    }
    if (!coding.equalsIgnoreCase("gzip") && !coding.equalsIgnoreCase("x-gzip")) {
      throw new IOException("the config server at " + base + " sent Content-Encoding " + coding
          + ", which this client does not read (it asks for gzip)");
    }
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IOException("the config server at " + base + " sent a broken gzip snapshot: " + e.getMessage(), e);
    }
  }

  private static void check(ConfigServerTransport.Answer response) throws ConfigServerException {
    int status = response.status();
    if (status >= 200 && status < 300) {
      return;
    }
    String error = "HTTP " + status;
    List<String> details = new ArrayList<>();
    try {
      JsonNode body = JsonTrees.read(response.body());
      if (body != null && body.hasNonNull("error")) {
        error = body.get("error").asText();
        for (JsonNode d : body.path("details")) {
          String resource = d.path("resource").asText("");
          String path = d.path("path").asText("");
          String where = (resource + " " + path).trim();
          details.add(where.isEmpty() ? d.path("message").asText() : where + ": " + d.path("message").asText());
        }
      }
    } catch (IOException | RuntimeException e) {
      error = "HTTP " + status + " " + new String(response.body(), StandardCharsets.UTF_8).strip();
    }
    throw new ConfigServerException(status, error, details);
  }

  private static String resourcePath(String kindPlural, String namespace, String name) {
    return "/v1/namespaces/" + seg(namespace) + "/" + seg(kindPlural) + "/" + seg(name);
  }

  /** Percent-encodes one path segment, so that a name like {@code ../x} reaches the server as a name. */
  private static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String contentTypeOf(String body) {
    String t = body.stripLeading();
    return t.startsWith("{") || t.startsWith("[") ? "application/json" : "application/yaml";
  }
}
