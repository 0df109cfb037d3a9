package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.instrument.outbound.RetryFixture.closedPort;
import static io.inboard.agent.instrument.outbound.RetryFixture.istioDefault;
import static io.inboard.agent.instrument.outbound.RetryFixture.routeTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries of {@code java.net.http} calls against real servers on 127.0.0.1, through a real
 * {@link HttpClient}: the routing is called as the woven client calls it (the request on the way in,
 * the future on the way out), the router is scripted.
 */
class JdkTriesTest {
  private final RetryFixture mesh = new RetryFixture();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static HttpResponse<String> send(ScriptedRouting routing, HttpClient client, HttpRequest request)
      throws Exception {
    return new WovenJdkClient(new MeshCalls(routing), client).send(request);
  }

  private static <T> CompletableFuture<HttpResponse<T>> sendAsync(
      ScriptedRouting routing, HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return new WovenJdkClient(new MeshCalls(routing), client).sendAsync(request, handler);
  }

  private static HttpRequest get() {
    return HttpRequest.newBuilder(URI.create("http://user/list")).build();
  }

  @Test
  void a503IsRetriedOnAnotherInstanceOfTheDestination() throws Exception {
    AtomicInteger aHits = new AtomicInteger();
    AtomicInteger bHits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, aHits);
    Instance b = mesh.server("user-b", 200, 0, bHits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null), routeTo(b, istioDefault(), null));

    HttpResponse<String> response = send(routing, client, get());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("user-b");
    assertThat(aHits).hasValue(1);
    assertThat(routing.recorded).as("one record per call, with the try that answered").containsExactly("user-b 200");
    assertThat(routing.inFlight).hasValue(0);
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    AtomicInteger bHits = new AtomicInteger();
    Instance down = closedPort("user-down");
    Instance b = mesh.server("user-b", 200, 0, bHits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(down, istioDefault(), null), routeTo(b, istioDefault(), null));

    assertThat(send(routing, client, get()).statusCode()).isEqualTo(200);
    assertThat(bHits).hasValue(1);
    assertThat(routing.recorded).containsExactly("user-b 200");
  }

  @Test
  void retriesStopAtTheRulesAttemptsAndTheLastAnswerReachesTheApplication() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, hits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null));

    HttpResponse<String> response = send(routing, client, get());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("user-a");
    assertThat(hits).as("the first try and two retries").hasValue(3);
    assertThat(routing.recorded).containsExactly("user-a 503");
  }

  @Test
  void aFailureThatIsNotRetriedReachesTheApplicationAsItWas() throws IOException {
    Instance down = closedPort("user-down");
    ScriptedRouting routing = new ScriptedRouting(routeTo(down, istioDefault(), null));
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://user/list"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    assertThatThrownBy(() -> send(routing, client, post)).isInstanceOf(ConnectException.class);
    // The call is recorded when its future completes, which may be just after send has returned.
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(routing.recorded).containsExactly("user-down 0"));
    assertThat(routing.inFlight).hasValue(0);
  }

  @Test
  void aRequestWithABodyIsSentOnce() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, hits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null));
    HttpRequest put = HttpRequest.newBuilder(URI.create("http://user/list"))
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build();

    assertThat(send(routing, client, put).statusCode()).isEqualTo(503);
    assertThat(hits).hasValue(1);
  }

  @Test
  void aSlowTryIsCutAtThePerTryTimeoutAndRetried() throws Exception {
    AtomicInteger slowHits = new AtomicInteger();
    Instance slow = mesh.server("user-slow", 200, 3_000, slowHits);
    Instance fast = mesh.server("user-fast", 200, 0, new AtomicInteger());
    Decision.Retries retries = new Decision.Retries(2, Duration.ofMillis(200), List.of("5xx"));
    ScriptedRouting routing = new ScriptedRouting(routeTo(slow, retries, null), routeTo(fast, retries, null));

    long start = System.nanoTime();
    HttpResponse<String> response = send(routing, client, get());

    assertThat(response.body()).isEqualTo("user-fast");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    assertThat(slowHits).hasValue(1);
  }

  @Test
  void aCallCancelledDuringTheBackOffIsNotSentAgain() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, hits);
    AtomicReference<CompletableFuture<?>> given = new AtomicReference<>();
    Decision first = routeTo(a, istioDefault(), null);
    // The retry's decision is asked for once the 503 has been judged retriable, just before the
    // back-off: the application cancels its future at that moment (as it could at any time during
    // the back-off's 12-25 ms).
    ScriptedRouting routing =
        new ScriptedRouting(first) {
          private final AtomicInteger asked = new AtomicInteger();

          @Override
          public synchronized Decision decide(RequestView request) {
            if (asked.incrementAndGet() == 2) {
              given.get().cancel(true);
            }
            return super.decide(request);
          }
        };
    JdkHttpRouting jdk = new JdkHttpRouting(new MeshCalls(routing));
    HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
    Object token = jdk.request(HttpRequest.newBuilder(URI.create("http://user/list")).build());
    // The retry decision (decide, synchronized on routing) waits until the application holds its future.
    synchronized (routing) {
      CompletableFuture<HttpResponse<String>> pending = client.sendAsync((HttpRequest) token, handler);
      given.set((CompletableFuture<?>) jdk.sent(token, pending, client, handler));
    }

    Thread.sleep(1_000); // longer than every back-off and answer of the policy's two retries

    assertThat(given.get()).isCancelled();
    assertThat(hits).as("requests the instance received for the cancelled call").hasValue(1);
    assertThat(routing.inFlight).hasValue(0);
  }

  @Test
  void aRetriedAnswerReadAsAPublisherGivesItsConnectionBack() throws Exception {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    Instance a = mesh.server("user-a", 503, 0, new AtomicInteger(), ports);
    Instance b = mesh.server("user-b", 200, 0, new AtomicInteger());
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null), routeTo(b, istioDefault(), null));

    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
        sendAsync(routing, client, get(), HttpResponse.BodyHandlers.ofPublisher()).get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    Thread.sleep(200);

    // The same client calls instance a again: a connection given back to the pool is reused.
    for (int i = 0; i < 2; i++) {
      client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
    }
    assertThat(ports).as("connections a saw: the retried 503's connection is reused").hasSize(1);
  }

  @Test
  void theApplicationsOwnRequestTimeoutBoundsTheWholeCall() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    Instance slow = mesh.server("user-slow", 200, 1_000, hits);
    ScriptedRouting routing =
        new ScriptedRouting(routeTo(slow, new Decision.Retries(2, null, List.of("5xx")), null));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://user/list")).timeout(Duration.ofMillis(150)).build();

    long start = System.nanoTime();
    assertThatThrownBy(() -> send(routing, client, request)).isInstanceOf(HttpTimeoutException.class);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(hits).as("the application's 150 ms timeout expired: the call is over").hasValue(1);
    assertThat(tookMillis).as("the application asked for at most 150 ms").isLessThan(900);
  }

  @Test
  void failureClassesFollowRetryOnsNames() {
    assertThat(JdkTries.failureOf(new CompletionException(new ConnectException("refused"))))
        .isEqualTo(RetryPolicy.Failure.CONNECT);
    assertThat(JdkTries.failureOf(new HttpConnectTimeoutException("connect timed out")))
        .isEqualTo(RetryPolicy.Failure.CONNECT);
    assertThat(JdkTries.failureOf(new HttpTimeoutException("request timed out")))
        .isEqualTo(RetryPolicy.Failure.PER_TRY_TIMEOUT);
    assertThat(JdkTries.failureOf(new IOException("closed"))).isEqualTo(RetryPolicy.Failure.RESET);
    assertThat(JdkTries.failureOf(new IllegalStateException("not the network"))).isNull();
  }
}
