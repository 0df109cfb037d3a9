package io.inboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.route.Decision;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.snapshot.Snapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The gateway's admin port: {@code /metrics} (Prometheus), {@code /healthz} (the process is up),
 * {@code /readyz} (a snapshot has arrived, so routing is live), {@code /config} (the snapshot
 * in force, the Gateways it serves and their hosts) and {@code /explain} (why a described request
 * would go where it goes through this gateway).
 */
final class AdminHandler extends Handler.Abstract.NonBlocking {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final GatewayMetrics metrics;
  private final Supplier<GatewayRoutes> routes;
  private final Supplier<Boolean> ready;
  private final Map<String, String> labels;
  private final String source;
  /** The HTTPS servers in force and the certificate problems of the last snapshot, or {@code null} without an HTTPS port. */
  private final Supplier<List<String>> httpsServers;
  private final Supplier<List<String>> certificateProblems;

  AdminHandler(GatewayMetrics metrics, Supplier<GatewayRoutes> routes, Supplier<Boolean> ready,
      Map<String, String> labels, String source) {
    this(metrics, routes, ready, labels, source, null, null);
  }

  AdminHandler(GatewayMetrics metrics, Supplier<GatewayRoutes> routes, Supplier<Boolean> ready,
      Map<String, String> labels, String source, Supplier<List<String>> httpsServers,
      Supplier<List<String>> certificateProblems) {
    this.httpsServers = httpsServers;
    this.certificateProblems = certificateProblems;
    this.metrics = metrics;
    this.routes = routes;
    this.ready = ready;
    this.labels = labels;
    this.source = source;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    switch (path) {
      case "/metrics" -> send(response, callback, 200,
          "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
      case "/healthz" -> send(response, callback, 200, "text/plain; charset=utf-8", "ok\n");
      case "/readyz" -> {
        boolean isReady = ready.get();
        send(response, callback, isReady ? 200 : 503, "text/plain; charset=utf-8",
            isReady ? "ready\n" : "waiting for the first snapshot from " + source + "\n");
      }
      case "/config" -> send(response, callback, 200, "application/json", config());
      case "/explain" -> explain(request, response, callback);
      default -> send(response, callback, 404, "text/plain; charset=utf-8",
          "not found; the admin port serves /metrics, /healthz, /readyz, /config and /explain\n");
    }
    return true;
  }

  /**
   * {@code /explain?url=http://HOST/PATH[&method=GET][&header=name:value]...[&samples=N[&varyHeader=NAME]]}:
   * the decision for that request as it would arrive here, through the port's one route table, with
   * the virtual host that served it and the Gateway the matched rule's VirtualService is bound through.
   */
  private void explain(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    String url = query.getValue("url");
    if (url == null || url.isBlank()) {
      send(response, callback, 400, "text/plain; charset=utf-8", "give the request to explain as url=http://HOST/PATH, "
          + "e.g. /explain?url=http://user.traffic-management.example.com/&header=mode:dev\n");
      return;
    }
    try {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      List<String> headerValues = query.getValues("header");
      for (String header : headerValues == null ? List.<String>of() : headerValues) {
        int colon = header.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("header '" + header + "' must be name:value, e.g. header=mode:dev");
        }
        headers.computeIfAbsent(header.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(header.substring(colon + 1).trim());
      }
      String samplesText = query.getValue("samples");
      int samples = samplesText == null ? 0 : Integer.parseInt(samplesText);
      GatewayRoutes current = routes.get();
      String authority = URI.create(url).getRawAuthority();
      List<String> gateways = current.hosts().gatewaysFor(authority);
      if (gateways.isEmpty()) {
        ObjectNode unknown = JSON.createObjectNode();
        unknown.put("status", 404);
        unknown.put("reason", current.hosts().unknownHost(authority, labels));
        send(response, callback, 200, "application/json", JSON.writeValueAsString(unknown) + "\n");
        return;
      }
      // Decided through the port's one route table, as the proxy decides it.
      ExplainRequest explain = new ExplainRequest(query.getValue("method"), url, headers, null, null,
          samples, query.getValue("varyHeader"));
      ObjectNode out = Explainer.explain(current.snapshot(), explain, current.port(), current.outliers(),
          current.breakers(), current.slowStart());
      // The Gateway through which the matched rule's VirtualService is bound.
      JsonNode matched = out.path("matched");
      out.put("gateway", matched.isObject() ? current.port().gatewayOf(authority, new Decision.Match(
          matched.path("virtualService").asText(), matched.path("rule").asInt(),
          matched.path("ruleName").isNull() ? null : matched.path("ruleName").asText())) : null);
      out.put("virtualHost", current.port().domainFor(authority));
      send(response, callback, 200, "application/json", JSON.writeValueAsString(out) + "\n");
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      send(response, callback, 400, "text/plain; charset=utf-8", "cannot explain: " + e.getMessage() + "\n");
    }
  }

  private String config() {
    GatewayRoutes current = routes.get();
    Snapshot snapshot = current.snapshot();
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", snapshot.revision());
    root.put("source", source);
    ObjectNode labelNode = root.putObject("labels");
    new TreeMap<>(labels).forEach(labelNode::put);
    ArrayNode gateways = root.putArray("gateways");
    current.hosts().gateways().forEach(gateways::add);
    ObjectNode hosts = root.putObject("hosts");
    current.hosts().describeHosts().forEach((host, keys) -> {
      ArrayNode list = hosts.putArray(host);
      keys.forEach(list::add);
    });
    ArrayNode ignored = root.putArray("ignoredServers");
    current.hosts().ignored().forEach(ignored::add);
    if (httpsServers != null) {
      ArrayNode served = root.putArray("httpsServers");
      httpsServers.get().forEach(served::add);
      ArrayNode problems = root.putArray("certificateProblems");
      certificateProblems.get().forEach(problems::add);
    }
    ArrayNode resources = root.putArray("resources");
    for (ParsedResource parsed : snapshot.resources()) {
      resources.add(parsed.source() != null ? parsed.source()
          : JSON.createObjectNode().put("kind", parsed.resource().kind()).put("key", parsed.resource().key()));
    }
    ArrayNode instances = root.putArray("instances");
    for (Instance i : snapshot.instances()) {
      ObjectNode n = instances.addObject();
      n.put("id", i.id()).put("service", i.service()).put("namespace", i.namespace())
          .put("address", i.address()).put("port", i.port());
      ObjectNode l = n.putObject("labels");
      new TreeMap<>(i.labels()).forEach(l::put);
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode /config", e);
    }
  }

  private static void send(Response response, Callback callback, int status, String type, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
