package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.health.Ejection;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection of the agent's calls, through real OkHttp and {@code HttpClient} clients to
 * real servers on 127.0.0.1, decided by the real router: an instance that keeps failing gets no
 * more calls until its ejection time is up.
 */
class OutlierDetectionCallsTest {
  private final RetryFixture mesh = new RetryFixture();
  private final List<Ejection> ejections = new CopyOnWriteArrayList<>();
  private final OutlierDetector detector = new OutlierDetector(ejections::add);

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static String rules(String outlierDetection) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - route: [{destination: {host: user}}]
            retries: {attempts: 0}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: %s
        """.formatted(outlierDetection);
  }

  /** The agent's routing over one snapshot, with this test's outlier detection. */
  private OutboundRouting routing(String rules, Instance... instances) {
    Snapshot snapshot = Snapshot.compile(1, ResourceParser.parse(rules).resources(), List.of(instances));
    detector.apply(snapshot.routeTable().trackedDestinations());
    Router router = new Router(snapshot, InFlight.NONE, null, detector);
    return new OutboundRouting() {
      @Override
      public Decision decide(RequestView request) {
        return router.route(request);
      }

      @Override
      public Workload caller() {
        return new Workload("default", "frontend", Map.of());
      }

      @Override
      public void recordOutbound(Decision decision, int status, long durationNanos) {}

      @Override
      public void tried(Decision decision, int status) {
        detector.tried(decision.destination().host(), decision.destination().subset(), decision.instance(), status);
      }

      @Override
      public void recordFailure(String where, Throwable error) {
        throw new AssertionError("failure in " + where, error);
      }
    };
  }

  @Test
  void anOkHttpCallerStopsCallingAnInstanceThatAnswered503TwiceUntilItsTimeIsUp() throws Exception {
    AtomicInteger badHits = new AtomicInteger();
    AtomicInteger goodHits = new AtomicInteger();
    Instance bad = mesh.server("user-bad", 503, 0, badHits);
    Instance good = mesh.server("user-good", 200, 0, goodHits);
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(new InboardInterceptor(new MeshCalls(routing(
            rules("{consecutive5xxErrors: 2, baseEjectionTime: 2s, maxEjectionPercent: 50}"), bad, good))))
        .build();

    for (int i = 0; i < 10 && badHits.get() < 2; i++) {
      call(client);
    }
    long ejectedBy = System.nanoTime();
    assertThat(badHits).hasValue(2);
    assertThat(ejections).singleElement().satisfies(e -> {
      assertThat(e.instance().id()).isEqualTo("user-bad");
      assertThat(e.cause()).isEqualTo(Ejection.CONSECUTIVE_5XX);
    });

    int goodBefore = goodHits.get();
    for (int i = 0; i < 10; i++) {
      assertThat(call(client)).as("call %d after the ejection", i).isEqualTo(200);
    }
    assertThat(badHits).as("no calls while ejected").hasValue(2);
    assertThat(goodHits.get() - goodBefore).isEqualTo(10);

    while (badHits.get() == 2 && System.nanoTime() - ejectedBy < 15_000_000_000L) {
      call(client);
      Thread.sleep(50);
    }
    assertThat(badHits).as("called again once its 2 s are up").hasValue(3);
    assertThat((System.nanoTime() - ejectedBy) / 1_000_000).isGreaterThanOrEqualTo(1_900L);
  }

  private static int call(OkHttpClient client) throws Exception {
    try (Response response = client.newCall(new Request.Builder().url("http://user/list").build()).execute()) {
      return response.code();
    }
  }

  @Test
  void anHttpClientCallerEjectsAnInstanceThatRefusesConnections() throws Exception {
    AtomicInteger goodHits = new AtomicInteger();
    Instance down = RetryFixture.closedPort("user-a-down");
    Instance good = mesh.server("user-good", 200, 0, goodHits);
    JdkHttpRouting jdk = new JdkHttpRouting(new MeshCalls(routing(
        rules("{consecutive5xxErrors: 0, consecutiveGatewayErrors: 1, baseEjectionTime: 60s, maxEjectionPercent: 50}"),
        down, good)));
    HttpClient client = HttpClient.newHttpClient();

    int refused = 0;
    int answered = 0;
    for (int i = 0; i < 12; i++) {
      Object token = jdk.request(HttpRequest.newBuilder(URI.create("http://user/list")).build());
      HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
      CompletableFuture<HttpResponse<String>> pending = client.sendAsync((HttpRequest) token, handler);
      @SuppressWarnings("unchecked")
      CompletableFuture<HttpResponse<String>> given =
          (CompletableFuture<HttpResponse<String>>) jdk.sent(token, pending, client, handler);
      try {
        answered += given.get(20, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
        refused++;
      }
    }
    assertThat(refused).as("only the first call went to the closed port").isEqualTo(1);
    assertThat(answered).isEqualTo(11);
    assertThat(ejections).singleElement().extracting(Ejection::cause).isEqualTo(Ejection.CONSECUTIVE_GATEWAY_ERRORS);
  }
}
