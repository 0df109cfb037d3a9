package io.inboard.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import io.inboard.core.parse.JsonTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's admin endpoint on its own port (JDK HTTP server, one thread, loopback by default):
 * {@code /metrics} (Prometheus), {@code /config} (the snapshot in force and its revision),
 * {@code /explain?url=...&method=...&h=name:value} (how this service's outbound call would be routed).
 */
final class AdminServer {
  private final HttpServer server;
  private final ExecutorService executor;

  AdminServer(String address, int port, AgentRuntime runtime) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, port), 16);
    executor = Executors.newFixedThreadPool(2, task -> new InboardThread(task, "inboard-admin"));
    server.setExecutor(executor);
    server.createContext("/metrics", guarded(runtime, ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", runtime.metrics().scrape())));
    server.createContext("/config", guarded(runtime, ex -> respond(ex, 200, "application/json", config(runtime))));
    server.createContext("/explain", guarded(runtime, ex -> explain(ex, runtime)));
    server.createContext("/", guarded(runtime, ex -> respond(ex, 404, "application/json", error("no such endpoint; try /metrics, /config or /explain?url=http://user/"))));
    server.start();
  }

  /** Answers 500 instead of leaving the exchange open when a handler fails unexpectedly. */
  private static HttpHandler guarded(AgentRuntime runtime, HttpHandler handler) {
    return ex -> {
      try {
        handler.handle(ex);
      } catch (IOException e) {
        throw e;
      } catch (Throwable e) {
        runtime.recordFailure("admin", e);
        try {
          respond(ex, 500, "application/json", error("internal error: " + e));
        } catch (IOException | RuntimeException ignored) {
          // The response may have been started already; closing is all that is left.
        } finally {
          ex.close();
        }
      }
    };
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static String config(AgentRuntime runtime) throws IOException {
    RoutingState.InForce state = runtime.state().peek();
    ObjectNode out = JsonTrees.object();
    out.put("revision", state.snapshot().revision());
    out.put("origin", state.origin());
    ObjectNode self = out.putObject("self");
    self.put("namespace", runtime.self().namespace());
    self.put("service", runtime.self().service());
    ObjectNode labels = self.putObject("labels");
    runtime.self().labels().forEach(labels::put);
    out.putArray("propagatedHeaders").addAll(state.propagatedHeaders().stream().sorted().map(JsonNodeFactory.instance::textNode).toList());
    JsonNode snapshot = state.content() == null ? JsonTrees.object() : JsonTrees.read(state.content().toJson());
    out.set("snapshot", snapshot);
    return JsonTrees.string(out, true);
  }

  private static void explain(HttpExchange ex, AgentRuntime runtime) throws IOException {
    Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
    try {
      String url = first(query, "url");
      if (url == null) {
        throw new IllegalArgumentException("give the call to explain: /explain?url=http://user/list&method=GET&h=mode:dev");
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String h : query.getOrDefault("h", List.of())) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("h=" + h + " must be name:value, e.g. h=mode:dev");
        }
        headers.computeIfAbsent(h.substring(0, colon).trim(), k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
      }
      ExplainRequest request = new ExplainRequest(first(query, "method"), url, headers, runtime.self(), null, 0, null);
      ObjectNode decision = Explainer.explain(runtime.state().peek().snapshot(), request, null,
          runtime.state().outliers(), runtime.state().breakers(), runtime.state().slowStart());
      respond(ex, 200, "application/json", JsonTrees.string(decision, true));
    } catch (IllegalArgumentException e) {
      respond(ex, 400, "application/json", error(e.getMessage()));
    } catch (RuntimeException e) {
      runtime.recordFailure("admin.explain", e);
      respond(ex, 500, "application/json", error("explain failed: " + e));
    }
  }

  private static String error(String message) {
    ObjectNode o = JsonTrees.object();
    o.put("error", message);
    return JsonTrees.string(o, false);
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
