package io.inboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.breaker.LimitedDestination;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.snapshot.Snapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's admin port: {@code /metrics} (Prometheus), {@code /healthz} (the process is up),
 * {@code /readyz} (a snapshot has arrived, so routing is live), {@code /config} (the snapshot
 * in force, the Gateways it serves and their hosts) and {@code /explain} (why a described request
 * would go where it goes through this gateway: {@link GatewayExplain}).
 */
final class AdminHandler extends Handler.Abstract.NonBlocking {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final GatewayMetrics metrics;
  private final Supplier<GatewayRoutes> routes;
  private final Supplier<Boolean> ready;
  private final Map<String, String> labels;
  private final String source;
  /** The HTTPS servers in force, or {@code null} without an HTTPS port. */
  private final Supplier<TlsServers> https;
  private final GatewayExplain explain;

  AdminHandler(GatewayMetrics metrics, Supplier<GatewayRoutes> routes, Supplier<Boolean> ready,
      Map<String, String> labels, String source) {
    this(metrics, routes, ready, labels, source, null);
  }

  /** @param https the HTTPS servers in force, or {@code null} when the gateway has no HTTPS port */
  AdminHandler(GatewayMetrics metrics, Supplier<GatewayRoutes> routes, Supplier<Boolean> ready,
      Map<String, String> labels, String source, Supplier<TlsServers> https) {
    this.https = https;
    this.explain = new GatewayExplain(routes, https, labels);
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
      case "/explain" -> {
        GatewayExplain.Answer answer = explain.explain(Request.extractQueryParameters(request));
        send(response, callback, answer.status(), answer.contentType(), answer.body());
      }
      default -> send(response, callback, 404, "text/plain; charset=utf-8",
          "not found; the admin port serves /metrics, /healthz, /readyz, /config and /explain\n");
    }
    return true;
  }

  /**
   * {@code {default, http2Servers, destinations}}: what the gateway speaks to instances, the hosts of the
   * {@code HTTP2} and {@code GRPC} servers (sent over HTTP/2), and each destination whose rule chooses.
   */
  private static ObjectNode upstreamProtocols(GatewayRoutes current) {
    ObjectNode o = JSON.createObjectNode();
    o.put("default", "HTTP/1.1; HTTP/2 for gRPC requests (content-type application/grpc)");
    ArrayNode servers = o.putArray("http2Servers");
    current.hosts().http2ServerHosts().forEach(servers::add);
    ObjectNode destinations = o.putObject("destinations");
    for (LimitedDestination d : current.snapshot().routeTable().limitedDestinations()) {
      if (d.settings().choosesProtocol()) {
        destinations.put(d.host() + (d.subset() == null ? "" : " subset " + d.subset())
            + (d.port() == 0 ? "" : " port " + d.port()), UpstreamProtocol.describe(d.settings()));
      }
    }
    return o;
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
    root.set("upstreamProtocols", upstreamProtocols(current));
    ArrayNode ignored = root.putArray("ignoredServers");
    current.hosts().ignored().forEach(ignored::add);
    if (https != null) {
      TlsServers servers = https.get();
      ArrayNode served = root.putArray("httpsServers");
      servers.served().forEach(s -> served.add(s.server().where() + " " + s.server().hosts() + " "
          + s.tls().tls().mode() + " alpn " + (s.tls().offersH2() ? "h2,http/1.1" : "http/1.1")));
      ArrayNode problems = root.putArray("certificateProblems");
      servers.problems().forEach(problems::add);
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
