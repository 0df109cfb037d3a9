package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.controlplane.StandaloneRulesFile;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * What the clients' mirror tests share: the {@code user} service of namespace {@code shop} with a
 * {@code v1} instance (the routes' destination) and {@code v2} and {@code v4} instances (the
 * mirrors'), all real servers on 127.0.0.1 that record what they receive, and the real router over rules that mirror
 * (see {@link #RULES}). Close it to stop the servers.
 */
final class MirrorFixture implements AutoCloseable {
  /**
   * {@code /none} and {@code /none-deprecated} never mirror, {@code /half} mirrors half the calls,
   * {@code /nowhere} mirrors to a subset without instances; {@code /both/...} has three
   * {@code mirrors}: to v2 and v4 always, and to v3, which has no instance; {@code /v1/...} is
   * rewritten to {@code /api/...}, gets {@code x-route: main} and is mirrored always (no percentage).
   */
  static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: shop}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
        - {name: v4, labels: {version: v4}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: shop}
      spec:
        hosts: [user]
        http:
        - match: [{uri: {prefix: /none-deprecated}}]
          route: [{destination: {host: user, subset: v1}}]
          mirror: {host: user, subset: v2}
          mirrorPercent: 0
        - match: [{uri: {prefix: /none}}]
          route: [{destination: {host: user, subset: v1}}]
          mirror: {host: user, subset: v2}
          mirrorPercentage: {value: 0}
        - match: [{uri: {prefix: /half}}]
          route: [{destination: {host: user, subset: v1}}]
          mirror: {host: user, subset: v2}
          mirrorPercentage: {value: 50}
        - match: [{uri: {prefix: /nowhere}}]
          route: [{destination: {host: user, subset: v1}}]
          mirror: {host: user, subset: v3}
        - match: [{uri: {prefix: /both/}}]
          route: [{destination: {host: user, subset: v1}}]
          mirrors:
          - destination: {host: user, subset: v2}
          - destination: {host: user, subset: v4}
            percentage: {value: 100}
          - destination: {host: user, subset: v3}
        - match: [{uri: {prefix: /v1/}}]
          rewrite: {uri: /api/}
          headers: {request: {set: {x-route: main}}}
          route: [{destination: {host: user, subset: v1}}]
          mirror: {host: user, subset: v2}
      """;

  static final Workload FRONTEND = new Workload("shop", "frontend", Map.of("version", "v1"));

  /** What an instance received. */
  record Seen(String method, String pathAndQuery, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A real Jetty on 127.0.0.1 that records each request and answers with its id. */
  static final class Recorder {
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    volatile long delayMillis;
    /** Requests wait for it to open (it starts open). */
    volatile CountDownLatch gate = new CountDownLatch(0);
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    Recorder(String id) {
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      server.setHandler(new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
          Map<String, String> headers = new TreeMap<>();
          for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
          }
          String body = Content.Source.asString(request, StandardCharsets.UTF_8);
          gate.await(30, TimeUnit.SECONDS);
          Thread.sleep(delayMillis);
          seen.add(new Seen(request.getMethod(), request.getHttpURI().getPathQuery(), headers, body));
          response.setStatus(status.get());
          Content.Sink.write(response, true, id + " answer", callback);
          return true;
        }
      });
      try {
        server.start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    int port() {
      return connector.getLocalPort();
    }

    void stop() {
      gate.countDown();
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  final Recorder v1 = new Recorder("user-v1");
  final Recorder v2 = new Recorder("user-v2");
  final Recorder v4 = new Recorder("user-v4");

  /** The rules, with the v2 instance at {@code mirrorPort} instead of the recorder (a closed port, say). */
  MeshRouting routing(Path dir, long seed, int mirrorPort) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, RULES + "---\nkind: Instances\ninstances:\n"
        + "- {id: user-v1, service: user, namespace: shop, address: 127.0.0.1, port: " + v1.port()
        + ", labels: {version: v1}}\n"
        + "- {id: user-v2, service: user, namespace: shop, address: 127.0.0.1, port: " + mirrorPort
        + ", labels: {version: v2}}\n"
        + "- {id: user-v4, service: user, namespace: shop, address: 127.0.0.1, port: " + v4.port()
        + ", labels: {version: v4}}\n");
    return new MeshRouting(new Router(StandaloneRulesFile.read(file, 1).snapshot(), InFlight.NONE,
        new SplittableRandom(seed)));
  }

  MeshRouting routing(Path dir, long seed) throws IOException {
    return routing(dir, seed, v2.port());
  }

  /** A port nobody listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    v1.stop();
    v2.stop();
    v4.stop();
  }

  /** The real router; counts the decisions that carried a mirror and what became of the mirrors. */
  static final class MeshRouting implements OutboundRouting {
    private final Router router;
    final AtomicInteger decidedMirrors = new AtomicInteger();
    final Map<MirrorResult, AtomicInteger> mirrors = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    MeshRouting(Router router) {
      this.router = router;
    }

    int mirrors(MirrorResult result) {
      AtomicInteger count = mirrors.get(result);
      return count == null ? 0 : count.get();
    }

    @Override
    public synchronized Decision decide(RequestView request) {
      Decision decision = router.route(request);
      if (!decision.actions().mirrors().isEmpty()) {
        decidedMirrors.incrementAndGet();
      }
      return decision;
    }

    @Override
    public Workload caller() {
      return FRONTEND;
    }

    @Override
    public void recordOutbound(Decision decision, int status, long durationNanos) {}

    @Override
    public void recordFailure(String where, Throwable error) {
      failures.add(where + ": " + error);
    }

    @Override
    public void recordMirror(MirrorResult result) {
      mirrors.computeIfAbsent(result, r -> new AtomicInteger()).incrementAndGet();
    }
  }
}
