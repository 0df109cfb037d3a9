package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;

/**
 * etcd's v3 API through the JSON gateway every etcd server has ({@code POST /v3/kv/range},
 * {@code /v3/kv/txn}, {@code /v3/lease/...}, {@code /v3/watch}), over the JDK's HTTP client: the
 * few calls the etcd store makes, without a gRPC stack in the server jar. Keys and values are
 * base64 on the wire, 64-bit numbers are strings. The endpoints are tried in turn: a member that
 * refuses the connection (or the TLS handshake) is skipped, and the next call starts with the
 * member that answered last. With etcd authentication every call carries the {@link EtcdToken}.
 */
final class EtcdGateway {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT = Duration.ofSeconds(2);
  private static final Duration CALL = Duration.ofSeconds(5);

  /** A key as stored: its value, the revision it was last written at, and its lease (0: none). */
  record KeyValue(String key, byte[] value, long modRevision, long lease) {}

  /** Every key under a prefix as of {@code revision}. */
  record Range(long revision, List<KeyValue> kvs) {}

  /** One change seen by a watch; a delete carries only the key and the revision it happened at. */
  record Event(boolean delete, KeyValue kv) {}

  /** One operation of a transaction's success branch. */
  sealed interface Op {
    record Put(String key, byte[] value, long lease) implements Op {}

    record Delete(String key) implements Op {}
  }

  /**
   * @param current the compared key as it is now when the comparison failed ({@code null} when it
   *     does not exist or the transaction succeeded)
   */
  record TxnResult(boolean succeeded, long revision, KeyValue current) {}

  /** What a watch tells its listener. */
  interface WatchListener {
    void events(List<Event> events);

    /** The watch cannot go on from the revision asked for: it was compacted away. */
    void compacted(long compactRevision);
  }

  /** etcd was not reached, so the call certainly did nothing. */
  static final class Unreachable extends IOException {
    /** Every member was reached but the TLS handshake failed: the message says why, and what to fix. */
    final boolean tls;

    Unreachable(String message, boolean tls) {
      super(message);
      this.tls = tls;
    }
  }

  /** The call may or may not have taken effect (the answer was lost or refused after sending). */
  static final class OutcomeUnknown extends IOException {
    OutcomeUnknown(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final List<URI> endpoints;
  private final EtcdTls tls;
  private final HttpClient http;
  private final EtcdToken token;
  private volatile int preferred;

  EtcdGateway(EtcdOptions options) {
    this.endpoints = options.endpoints();
    this.tls = options.tls();
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT)
        .executor(java.util.concurrent.Executors.newCachedThreadPool(WatchHub.daemon("inboard-etcd-client")));
    if (tls != null) {
      b.sslContext(tls.context()); // the JDK verifies the host name against etcd's certificate
    }
    this.http = b.build();
    this.token = new EtcdToken(options.login(), (user, password) -> exchange("/v3/auth/authenticate",
        JSON.createObjectNode().put("name", user).put("password", password), null));
  }

  /** Authenticates now, if etcd authentication is configured, so that a refused password stops the start. */
  void authenticate() throws IOException {
    token.current();
  }

  List<URI> endpoints() {
    return endpoints;
  }

  /** Every key that starts with {@code prefix}, read through the leader (linearizable). */
  Range range(String prefix) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("key", b64(prefix));
    req.put("range_end", b64(prefixEnd(prefix)));
    JsonNode res = call("/v3/kv/range", req);
    List<KeyValue> kvs = new ArrayList<>();
    for (JsonNode kv : res.path("kvs")) {
      kvs.add(keyValue(kv));
    }
    return new Range(revision(res), kvs);
  }

  /**
   * One transaction: if {@code key}'s mod revision is {@code modRevision} (0: the key does not
   * exist), do {@code ops}, all or none; else read {@code key}.
   */
  TxnResult txnIfModRevision(String key, long modRevision, List<Op> ops) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    ObjectNode compare = req.putArray("compare").addObject();
    compare.put("key", b64(key));
    compare.put("target", "MOD");
    compare.put("result", "EQUAL");
    compare.put("mod_revision", Long.toString(modRevision));
    ArrayNode success = req.putArray("success");
    for (Op op : ops) {
      if (op instanceof Op.Put put) {
        ObjectNode p = success.addObject().putObject("request_put");
        p.put("key", b64(put.key()));
        p.put("value", Base64.getEncoder().encodeToString(put.value()));
        if (put.lease() != 0) {
          p.put("lease", Long.toString(put.lease()));
        }
      } else if (op instanceof Op.Delete delete) {
        success.addObject().putObject("request_delete_range").put("key", b64(delete.key()));
      }
    }
    req.putArray("failure").addObject().putObject("request_range").put("key", b64(key));
    JsonNode res = call("/v3/kv/txn", req);
    boolean succeeded = res.path("succeeded").asBoolean(false);
    KeyValue current = null;
    if (!succeeded) {
      for (JsonNode kv : res.path("responses").path(0).path("response_range").path("kvs")) {
        current = keyValue(kv);
      }
    }
    return new TxnResult(succeeded, revision(res), current);
  }

  /** A new lease; etcd may grant more than asked (its minimum is about two seconds). */
  long grantLease(long ttlSeconds) throws IOException {
    JsonNode res = call("/v3/lease/grant", JSON.createObjectNode().put("TTL", Long.toString(ttlSeconds)));
    long id = res.path("ID").asLong();
    if (id == 0) {
      throw new IOException("etcd granted no lease: " + res);
    }
    return id;
  }

  /** Renews a lease; returns its remaining ttl in seconds, 0 when it has expired or was revoked. */
  long keepAlive(long lease) throws IOException {
    JsonNode res = call("/v3/lease/keepalive", JSON.createObjectNode().put("ID", Long.toString(lease)));
    return res.path("result").path("TTL").asLong(0);
  }

  /** Ends a lease and deletes the keys attached to it. */
  void revokeLease(long lease) throws IOException {
    call("/v3/lease/revoke", JSON.createObjectNode().put("ID", Long.toString(lease)));
  }

  /**
   * Watches every key under {@code prefix} from {@code fromRevision} on, calling the listener for
   * each batch of events in revision order, until the stream ends or fails (then it throws) or
   * the thread's {@code opened} stream is closed by another thread.
   *
   * @param opened given the response stream once it is open, so that another thread can close it
   */
  void watch(String prefix, long fromRevision, WatchListener listener, Consumer<InputStream> opened)
      throws IOException {
    ObjectNode req = JSON.createObjectNode();
    ObjectNode create = req.putObject("create_request");
    create.put("key", b64(prefix));
    create.put("range_end", b64(prefixEnd(prefix)));
    create.put("start_revision", Long.toString(fromRevision));
    // Each watch (and each reopening) presents the current token; etcd checks it when the watch is created.
    String sent = token.current();
    HttpResponse<InputStream> response = send("/v3/watch", req, sent, null, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      opened.accept(body);
      if (response.statusCode() != 200) {
        throw new IOException("etcd refused the watch (" + response.statusCode() + "): "
            + new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      // The gateway writes one JSON object per watch response, each on its own line.
      BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode msg = JSON.readTree(line);
        if (msg.has("error")) {
          throw new IOException("etcd ended the watch: " + msg.get("error").path("message").asText(msg.toString()));
        }
        JsonNode result = msg.path("result");
        if (result.path("canceled").asBoolean(false)) {
          long compact = result.path("compact_revision").asLong(0);
          if (compact > 0) {
            listener.compacted(compact);
            return;
          }
          String reason = result.path("cancel_reason").asText();
          if (EtcdToken.rejects(reason)) {
            token.renew(sent); // the next reopening presents the new token
            throw new IOException("etcd refused the watch's auth token (" + reason + "); authenticated again");
          }
          throw new IOException("etcd canceled the watch: " + reason);
        }
        List<Event> events = new ArrayList<>();
        for (JsonNode e : result.path("events")) {
          events.add(new Event("DELETE".equals(e.path("type").asText()), keyValue(e.path("kv"))));
        }
        if (!events.isEmpty()) {
          listener.events(events);
        }
      }
    }
    throw new IOException("etcd closed the watch stream");
  }

  /**
   * One call, with the current token; when etcd rejects the token (expired, or etcd restarted), the
   * call did nothing and is sent once more with a new one.
   */
  private JsonNode call(String path, ObjectNode body) throws IOException {
    String sent = token.current();
    EtcdToken.Answer answer = exchange(path, body, sent);
    if (answer.status() != 200 && EtcdToken.rejects(answer.error())) {
      answer = exchange(path, body, token.renew(sent));
    }
    if (answer.status() != 200) {
      String what = "etcd answered " + path + " with " + answer.status() + ": " + answer.error();
      // Refused for its credentials, the call certainly did nothing.
      if (EtcdToken.rejects(answer.error())) {
        throw new EtcdToken.Refused(what);
      }
      if (answer.error().contains("etcdserver: permission denied")) {
        throw new EtcdToken.Refused(what + "; grant the etcd user read-write permission on the prefix (etcdctl role"
            + " grant-permission ROLE readwrite PREFIX --prefix=true)");
      }
      throw new OutcomeUnknown(what, null);
    }
    return answer.json();
  }

  private EtcdToken.Answer exchange(String path, ObjectNode body, String authToken) throws IOException {
    HttpResponse<byte[]> response = send(path, body, authToken, CALL, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new OutcomeUnknown("etcd answered " + path + " with something that is not JSON (status "
          + response.statusCode() + ")", e);
    }
    String error = response.statusCode() == 200 ? null
        : json.path("error").asText(json.path("message").asText(json.toString()));
    return new EtcdToken.Answer(response.statusCode(), json, error);
  }

  /**
   * Sends to the preferred endpoint, and to the next ones while a connection cannot be made: a
   * request that was never sent did nothing, so trying another member is safe even for a write.
   */
  private <T> HttpResponse<T> send(String path, ObjectNode body, String authToken, Duration timeout,
      HttpResponse.BodyHandler<T> handler) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    List<String> refused = new ArrayList<>();
    boolean allTls = true;
    int first = preferred;
    for (int i = 0; i < endpoints.size(); i++) {
      int index = (first + i) % endpoints.size();
      URI endpoint = endpoints.get(index);
      HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
      if (timeout != null) {
        b.timeout(timeout);
      }
      if (authToken != null) {
        b.header("Authorization", authToken); // etcd's gateway takes the bare token, no "Bearer"
      }
      try {
        HttpResponse<T> response = http.send(b.build(), handler);
        preferred = index;
        return response;
      } catch (ConnectException | HttpConnectTimeoutException e) {
        refused.add(endpoint + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        allTls = false;
      } catch (SSLHandshakeException e) {
        // No request is sent before the handshake completes: as safe to skip as a refused connection.
        refused.add(endpoint + " refused TLS: " + tls.explain(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OutcomeUnknown("interrupted while waiting for etcd at " + endpoint, e);
      } catch (IOException e) {
        throw new OutcomeUnknown("etcd at " + endpoint + " did not answer " + path + ": " + e
            + (tls == null ? "" : tls.hintAfterClose()), e);
      }
    }
    throw new Unreachable("etcd is unreachable: " + String.join(", ", refused), allTls);
  }

  private static KeyValue keyValue(JsonNode kv) {
    String key = new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8);
    byte[] value = Base64.getDecoder().decode(kv.path("value").asText(""));
    return new KeyValue(key, value, kv.path("mod_revision").asLong(0), kv.path("lease").asLong(0));
  }

  private static long revision(JsonNode response) {
    return response.path("header").path("revision").asLong(0);
  }

  private static String b64(String key) {
    return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The first key after every key that starts with {@code prefix}: its last character plus one. */
  static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
