package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The tests of the answers the mesh gives calls itself: rules with an injected abort (with and
 * without a delay), no instance, no route, direct responses and a redirect, decided by the real
 * router; the one instance of {@code user} is a real Jetty server on 127.0.0.1, which counts what
 * reaches it (an answered call sends nothing), and every call recorded is kept.
 */
final class AnsweringMesh implements AutoCloseable {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: default}
      spec:
        hosts: [user]
        http:
        - match: [{uri: {prefix: /abort}}]
          fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
          route: [{destination: {host: user}}]
        - match: [{uri: {prefix: /late-abort}}]
          fault:
            delay: {fixedDelay: 300ms, percentage: {value: 100}}
            abort: {httpStatus: 503, percentage: {value: 100}}
          route: [{destination: {host: user}}]
        - match: [{uri: {prefix: /v3}}]
          route: [{destination: {host: user, subset: v3}}]
        - match: [{uri: {prefix: /maintenance}}]
          directResponse: {status: 503, body: {string: "down for maintenance"}}
        - match: [{uri: {prefix: /hello}}]
          directResponse: {status: 200, body: {string: "hello from the mesh"}}
        - match: [{uri: {prefix: /old}}]
          redirect: {uri: /new}
        - match: [{uri: {prefix: /ok}}]
          route: [{destination: {host: user}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: default}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v3, labels: {version: v3}}
      """;

  /** Requests that reached the real server. */
  final AtomicInteger hits = new AtomicInteger();
  /** Each recorded call: {@code status outcome abortStatus}. */
  final List<String> recorded = new CopyOnWriteArrayList<>();
  private final Server jetty;
  final int port;

  /**
   * Starts the server: {@code /status/<code>} is answered with that status and a body, {@code /server/...}
   * with a redirect ({@link #redirect}), {@code /new} with an echo of the request ({@link #echo});
   * anything else 200.
   */
  AnsweringMesh() throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
          org.eclipse.jetty.util.Callback callback) {
        hits.incrementAndGet();
        String path = request.getHttpURI().getPath();
        if (path.startsWith("/server/")) {
          redirect(request, response, callback);
          return true;
        }
        if (path.startsWith("/new")) {
          echo(request, response, callback);
          return true;
        }
        if (!consumed(request, callback)) {
          return true;
        }
        if (path.startsWith("/status/")) {
          response.setStatus(Integer.parseInt(path.substring("/status/".length())));
        }
        Content.Sink.write(response, true, "from the upstream\n", callback);
        return true;
      }
    });
    jetty.start();
    port = connector.getLocalPort();
  }

  /**
   * A redirect answered by this server itself: {@code /server/<code>?to=<location>} with that status
   * and {@code Location}, {@code /server/loop} to itself, for ever.
   */
  private static void redirect(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
      org.eclipse.jetty.util.Callback callback) {
    if (!consumed(request, callback)) {
      return;
    }
    String path = request.getHttpURI().getPath();
    String query = request.getHttpURI().getQuery();
    boolean loop = path.equals("/server/loop");
    response.setStatus(loop ? 301 : Integer.parseInt(path.substring("/server/".length())));
    response.getHeaders().put("Location", loop
        ? "/server/loop"
        : URLDecoder.decode(query.substring("to=".length()), StandardCharsets.UTF_8));
    Content.Sink.write(response, true, "moved\n", callback);
  }

  /**
   * Reads the request's body to its end before answering: Jetty closes a connection whose request
   * body was left unread, and a client that pooled it meanwhile would send its next request on a
   * closed connection ("header parser received no bytes"), a race the tests must not depend on.
   */
  private static boolean consumed(org.eclipse.jetty.server.Request request, org.eclipse.jetty.util.Callback callback) {
    try {
      Content.Source.consumeAll(request);
      return true;
    } catch (java.io.IOException e) {
      callback.failed(e);
      return false;
    }
  }

  /** {@code /new}: the request as it arrived, its method, body and {@code Authorization}. */
  private static void echo(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
      org.eclipse.jetty.util.Callback callback) {
    String body;
    try {
      body = Content.Source.asString(request);
    } catch (java.io.IOException e) {
      callback.failed(e);
      return;
    }
    String authorization = request.getHeaders().get("Authorization");
    Content.Sink.write(response, true, request.getMethod() + " " + request.getHttpURI().getPathQuery() + " body="
        + body + " authorization=" + (authorization == null ? "-" : authorization), callback);
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  /** The agent's routing over {@code rules}, with the one instance of {@code user} on {@code instancePort}. */
  MeshCalls calls(String rules, int instancePort) {
    return calls(rules, List.of(instance("user", instancePort)));
  }

  /** An instance of {@code service} (version v1) on 127.0.0.1:{@code port}. */
  static Instance instance(String service, int port) {
    return new Instance(service + "-1", service, "default", "127.0.0.1", port, Map.of("version", "v1"));
  }

  /** The agent's routing over {@code rules} and {@code instances}. */
  MeshCalls calls(String rules, List<Instance> instances) {
    Snapshot snapshot = Snapshot.compile(1, ResourceParser.parse(rules).resources(), instances);
    CircuitBreakers breakers = new CircuitBreakers(overflow -> {});
    breakers.apply(snapshot.routeTable().limitedDestinations());
    Router router = new Router(snapshot, InFlight.NONE, null, null);
    return new MeshCalls(new OutboundRouting() {
      @Override
      public Decision decide(RequestView request) {
        return router.route(request);
      }

      @Override
      public Workload caller() {
        return new Workload("default", "frontend", Map.of());
      }

      @Override
      public void recordOutbound(Decision decision, int status, long durationNanos) {
        Decision.Fault fault = decision.actions().fault();
        recorded.add(status + " " + decision.outcome() + " " + (fault == null ? 0 : fault.abortStatus()));
      }

      @Override
      public DestinationLimits limits(Decision decision) {
        return decision.destination() == null
            ? null
            : breakers.destination(decision.destination().host(), decision.destination().subset());
      }

      @Override
      public void recordFailure(String where, Throwable error) {
        throw new AssertionError("failure in " + where, error);
      }
    });
  }

  /** As {@link #calls(String, int)}, with the instance on this server. */
  MeshCalls calls(String rules) {
    return calls(rules, port);
  }
}
