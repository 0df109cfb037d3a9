package io.inboard.agent.instrument.outbound;

import com.sun.net.httpserver.HttpServer;
import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the clients' retry tests share: instances that are real servers on 127.0.0.1 (answering a
 * fixed status, perhaps late, counting requests) or closed ports, and a router that hands out
 * scripted decisions. Close it to stop the servers.
 */
final class RetryFixture implements AutoCloseable {
  static final Decision.Target USER = new Decision.Target("user.default.svc.cluster.local", "v1", 0);

  private final List<HttpServer> servers = new ArrayList<>();

  /** A server answering every request with {@code status} after {@code delayMillis}, counting them. */
  Instance server(String id, int status, long delayMillis, AtomicInteger hits) throws IOException {
    return server(id, status, delayMillis, hits, ConcurrentHashMap.newKeySet());
  }

  /** As above, also noting the client port of each request: one port per connection used. */
  Instance server(String id, int status, long delayMillis, AtomicInteger hits, Set<Integer> clientPorts)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      hits.incrementAndGet();
      clientPorts.add(exchange.getRemoteAddress().getPort());
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = id.getBytes();
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.setExecutor(Executors.newCachedThreadPool()); // a slow answer does not hold the next one
    server.start();
    servers.add(server);
    return instance(id, server.getAddress().getPort());
  }

  /** An instance whose port nobody listens on. */
  static Instance closedPort(String id) throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return instance(id, socket.getLocalPort());
    }
  }

  private static Instance instance(String id, int port) {
    return new Instance(id, "user", "default", "127.0.0.1", port, Map.of("version", "v1"));
  }

  static Decision routeTo(Instance instance, Decision.Retries retries, Duration timeout) {
    Decision.Actions actions = new Decision.Actions(null, null, null, null, timeout, retries, null, null, null, null, null);
    return new Decision(Decision.Outcome.ROUTE, 200, null, null, USER, instance, null, actions, null);
  }

  /** Istio's policy when a rule sets none: two retries on a refused connection or a 503. */
  static Decision.Retries istioDefault() {
    return new Decision.Retries(
        2, null, List.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"));
  }

  @Override
  public void close() {
    servers.forEach(server -> server.stop(0));
  }

  /** Hands out scripted decisions in turn (the last one again when they run out); records the calls. */
  static class ScriptedRouting implements OutboundRouting {
    private final Deque<Decision> script;
    final List<String> recorded = new CopyOnWriteArrayList<>();
    /** The host-selection attempt of each decision asked for: 0 for a call's, 0-4 for a retry's picks. */
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();

    ScriptedRouting(Decision... decisions) {
      this.script = new ArrayDeque<>(List.of(decisions));
    }

    @Override
    public synchronized Decision decide(RequestView request) {
      attempts.add(request.hostSelectionAttempt());
      return script.size() > 1 ? script.poll() : script.peek();
    }

    @Override
    public Workload caller() {
      return new Workload("default", "frontend", Map.of());
    }

    @Override
    public void recordOutbound(Decision decision, int status, long durationNanos) {
      recorded.add(decision.instance().id() + " " + status);
    }

    @Override
    public void callStarted(Decision decision) {
      inFlight.incrementAndGet();
    }

    @Override
    public void callFinished(Decision decision) {
      inFlight.decrementAndGet();
    }

    @Override
    public void recordFailure(String where, Throwable error) {
      recorded.add("failure " + where + ": " + error);
    }
  }
}
