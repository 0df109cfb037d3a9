package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.bridge.UrlAnswer;
import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.breaker.Overflow;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DestinationRule's {@code connectionPool} on the agent's calls, through real OkHttp and
 * {@code HttpClient} clients to a real slow Jetty on 127.0.0.1, decided by the real router: calls
 * beyond the limit get a 503 with {@code x-envoy-overloaded} at once, never an exception, and every
 * slot comes back however its call ended. {@code HttpURLConnection} calls step by step as the woven
 * JDK class drives the routing (agent-it runs them woven): beyond the limit a 503 with
 * {@code x-envoy-overloaded} the connection reads as a server's, and the slot back once whatever
 * ends the call, a connection dropped unread included.
 */
class ConnectionPoolCallsTest {
  private static final String HOST = "user.default.svc.cluster.local";

  private final List<Overflow> overflows = new CopyOnWriteArrayList<>();
  private final List<Decision> overflowed = new CopyOnWriteArrayList<>();
  private final CircuitBreakers breakers = new CircuitBreakers(overflows::add);
  private final AtomicInteger hits = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private Server jetty;
  private int port;

  /** {@code /hold} answers once the test opens the gate; {@code /slow503} answers 503 after 300 ms; else 200. */
  @BeforeEach
  void startJetty() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("slow-upstream");
    jetty = new Server(threads);
    ServerConnector connector = new ServerConnector(jetty, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
          org.eclipse.jetty.util.Callback callback) throws Exception {
        hits.incrementAndGet();
        String path = request.getHttpURI().getPath();
        if (path.equals("/hold")) {
          gate.await(30, TimeUnit.SECONDS);
        } else if (path.equals("/slow503")) {
          Thread.sleep(300);
          response.setStatus(503);
        }
        Content.Sink.write(response, true, "from the upstream\n", callback);
        return true;
      }
    });
    jetty.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stopJetty() throws Exception {
    gate.countDown();
    jetty.stop();
  }

  private static String rules(String retries, String connectionPool) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - route: [{destination: {host: user}}]
            retries: %s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy: {connectionPool: %s}
        """.formatted(retries, connectionPool);
  }

  /** The agent's routing over one snapshot with this test's circuit breakers. */
  private MeshCalls calls(String rules) {
    Instance instance = new Instance("user-1", "user", "default", "127.0.0.1", port, Map.of());
    Snapshot snapshot = Snapshot.compile(1, ResourceParser.parse(rules).resources(), List.of(instance));
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
      public void recordOutbound(Decision decision, int status, long durationNanos) {}

      @Override
      public DestinationLimits limits(Decision decision) {
        return breakers.destination(decision.destination().host(), decision.destination().subset());
      }

      @Override
      public void recordOverflow(Decision decision) {
        overflowed.add(decision);
      }

      @Override
      public void recordFailure(String where, Throwable error) {
        throw new AssertionError("failure in " + where, error);
      }
    });
  }

  private DestinationLimits limits() {
    return breakers.destination(HOST, null);
  }

  private void awaitHits(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hits.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(hits).as("calls at the upstream").hasValue(count);
  }

  private void awaitNothingInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((limits().requestsInFlight() != 0 || limits().retriesInFlight() != 0) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(limits().requestsInFlight()).as("requests in flight").isZero();
    assertThat(limits().retriesInFlight()).as("retries in flight").isZero();
  }

  private static Request get(String path) {
    return new Request.Builder().url("http://user" + path).build();
  }

  private static CompletableFuture<Response> enqueue(OkHttpClient client, Request request) {
    CompletableFuture<Response> done = new CompletableFuture<>();
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        done.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        done.complete(response);
      }
    });
    return done;
  }

  private static HttpRequest jdkGet(String path) {
    return HttpRequest.newBuilder(URI.create("http://user" + path)).build();
  }

  @Test
  void okHttpCallsBeyondTheLimitGetA503OverloadedAtOnceAndTheSlotsComeBack() throws Exception {
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(new InboardInterceptor(calls(rules("{attempts: 0}",
            "{tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}"))))
        .build();
    List<CompletableFuture<Response>> held = List.of(enqueue(client, get("/hold")), enqueue(client, get("/hold")));
    awaitHits(2);

    long start = System.nanoTime();
    try (Response sync = client.newCall(get("/")).execute()) {
      assertThat(sync.code()).isEqualTo(503);
      assertThat(sync.header("x-envoy-overloaded")).isEqualTo("true");
      assertThat(sync.header(InboardInterceptor.REASON_HEADER))
          .isEqualTo("upstream overflow: 2 requests in flight already (connectionPool)");
    }
    try (Response async = enqueue(client, get("/")).get(10, TimeUnit.SECONDS)) {
      assertThat(async.code()).isEqualTo(503);
      assertThat(async.header("x-envoy-overloaded")).isEqualTo("true");
    }
    assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once, not queued").isLessThan(1_000);
    assertThat(hits).as("nothing sent for the turned-away calls").hasValue(2);
    assertThat(overflowed).hasSize(2);
    assertThat(overflows).extracting(Overflow::first).containsExactly(true, false);

    gate.countDown();
    for (CompletableFuture<Response> f : held) {
      try (Response r = f.get(10, TimeUnit.SECONDS)) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
    awaitNothingInFlight();
    try (Response again = client.newCall(get("/")).execute()) {
      assertThat(again.code()).isEqualTo(200);
    }
  }

  @Test
  void httpClientCallsBeyondTheLimitGetA503ResponseNotAnException() throws Exception {
    WovenJdkClient client = new WovenJdkClient(calls(rules("{attempts: 0}", "{http: {http2MaxRequests: 1}}")),
        HttpClient.newHttpClient());
    CompletableFuture<HttpResponse<String>> held = client.sendAsync(jdkGet("/hold"), HttpResponse.BodyHandlers.ofString());
    awaitHits(1);

    HttpResponse<String> sync = client.send(jdkGet("/"));
    assertThat(sync.statusCode()).isEqualTo(503);
    assertThat(sync.headers().firstValue("x-envoy-overloaded")).hasValue("true");
    assertThat(sync.headers().firstValue(InboardInterceptor.REASON_HEADER))
        .hasValue("upstream overflow: 1 requests in flight already (connectionPool)");
    assertThat(sync.body()).isEmpty();
    HttpResponse<byte[]> async = client.sendAsync(jdkGet("/"), HttpResponse.BodyHandlers.ofByteArray())
        .get(10, TimeUnit.SECONDS);
    assertThat(async.statusCode()).isEqualTo(503);
    assertThat(async.uri()).isEqualTo(URI.create("http://user/"));
    assertThat(hits).as("nothing sent for the turned-away calls").hasValue(1);

    gate.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    awaitNothingInFlight();
    assertThat(client.send(jdkGet("/")).statusCode()).isEqualTo(200);
  }

  @Test
  void callsThatFailTimeOutOrAreCancelledGiveTheirSlotBack() throws Exception {
    MeshCalls calls = calls(rules("{attempts: 0}", "{http: {http2MaxRequests: 1}}"));
    OkHttpClient okhttp = new OkHttpClient.Builder().addInterceptor(new InboardInterceptor(calls))
        .readTimeout(Duration.ofMillis(100)).build();
    WovenJdkClient jdk = new WovenJdkClient(calls, HttpClient.newHttpClient());
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> okhttp.newCall(get("/hold")).execute()).isInstanceOf(IOException.class);
      Call cancelled = okhttp.newCall(get("/hold"));
      CompletableFuture<Response> pending = new CompletableFuture<>();
      cancelled.enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          pending.completeExceptionally(e);
        }

        @Override
        public void onResponse(Call call, Response response) {
          pending.complete(response);
        }
      });
      cancelled.cancel();
      assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      awaitNothingInFlight();

      HttpRequest timesOut = HttpRequest.newBuilder(URI.create("http://user/hold")).timeout(Duration.ofMillis(100)).build();
      assertThatThrownBy(() -> jdk.send(timesOut)).isInstanceOf(java.net.http.HttpTimeoutException.class);
      CompletableFuture<HttpResponse<String>> dropped = jdk.sendAsync(jdkGet("/hold"), HttpResponse.BodyHandlers.ofString());
      dropped.cancel(true);
      awaitNothingInFlight();
    }
    assertThat(overflows).as("no call was turned away: every slot came back").isEmpty();
    gate.countDown();
    try (Response r = okhttp.newCall(get("/")).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void aRetryBeyondMaxRetriesIsNotMadeAndTheAnswerStands() throws Exception {
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(new InboardInterceptor(calls(rules("{attempts: 1, retryOn: 5xx}", "{http: {maxRetries: 1}}"))))
        .build();
    // Both first tries answer 503 after 300 ms, together: one retry fits, the other does not.
    List<CompletableFuture<Response>> both = new ArrayList<>();
    both.add(enqueue(client, get("/slow503")));
    both.add(enqueue(client, get("/slow503")));
    for (CompletableFuture<Response> f : both) {
      try (Response r = f.get(10, TimeUnit.SECONDS)) {
        assertThat(r.code()).isEqualTo(503);
      }
    }
    assertThat(hits).as("two first tries and one retry").hasValue(3);
    assertThat(overflows).extracting(Overflow::kind).containsExactly(Overflow.Kind.RETRIES);
    awaitNothingInFlight();
  }

  private static final String URL_CONNECTION_RULES = "{tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}";

  /** A connection the application opened to {@code http://user<path>}, as the woven JDK class hands it to the routing. */
  private static HttpURLConnection userConnection(String path) throws IOException {
    return (HttpURLConnection) new URL("http://user" + path).openConnection();
  }

  /** Routes {@code connection} as its {@code plainConnect} would: the instance's URL, or the refusal thrown. */
  private static Object connect(UrlConnectionRouting routing, HttpURLConnection connection) {
    return routing.connecting(connection, connection.getURL());
  }

  /** The exchange itself, on a plain connection to the instance's URL: its status. */
  private static int exchange(Object instanceUrl) throws IOException {
    HttpURLConnection toInstance = (HttpURLConnection) ((URL) instanceUrl).openConnection();
    toInstance.setRequestProperty("Host", "user");
    try (InputStream body = toInstance.getInputStream()) {
      body.readAllBytes();
    }
    return toInstance.getResponseCode();
  }

  @Test
  void urlConnectionCallsBeyondTheLimitGetA503OverloadedTheyCanReadAndRecordedUo() throws Exception {
    UrlConnectionRouting routing = new UrlConnectionRouting(calls(rules("{attempts: 0}", URL_CONNECTION_RULES)));
    HttpURLConnection first = userConnection("/");
    HttpURLConnection second = userConnection("/");
    Object firstTarget = connect(routing, first);
    Object secondTarget = connect(routing, second);
    assertThat(firstTarget).isInstanceOf(URL.class);
    assertThat(secondTarget).isInstanceOf(URL.class);
    assertThat(limits().requestsInFlight()).as("connected, no answer yet").isEqualTo(2);

    HttpURLConnection third = userConnection("/list?page=2");
    Object overloaded = connect(routing, third);
    assertThat(overloaded).isInstanceOf(UrlAnswer.class);
    // What the woven plainConnect throws, once the answer is written into the connection.
    IOException thrown = ((UrlAnswer) overloaded).give(third, third.getURL());
    assertThat(thrown).hasMessage("Server returned HTTP response code: 503 for URL: http://user/list?page=2");
    assertThat(third.getResponseCode()).as("the status a server's 503 gives").isEqualTo(503);
    assertThat(third.getResponseMessage()).isEqualTo("Service Unavailable");
    assertThat(third.getHeaderField("x-envoy-overloaded")).isEqualTo("true");
    assertThat(third.getHeaderField(InboardInterceptor.REASON_HEADER))
        .isEqualTo("upstream overflow: 2 requests in flight already (connectionPool)");
    assertThat(third.getContentLength()).isZero();
    assertThatThrownBy(third::getInputStream).isInstanceOf(IOException.class)
        .hasMessage("Server returned HTTP response code: 503 for URL: http://user/list?page=2");
    assertThat(third.getErrorStream()).as("no body, as a server's empty 503").isEmpty();
    assertThat(((UrlAnswer) overloaded).give("not the JDK's connection", third.getURL()))
        .as("where the answer cannot be written: the mesh's refusal").isInstanceOf(RefusedCall.class)
        .hasMessageContaining("inboard answered 503 for " + HOST + ": upstream overflow");
    assertThat(overflowed).as("recorded as an overflow (UO)").hasSize(1);
    assertThat(hits).as("nothing sent").hasValue(0);

    // The answer's headers are in: the slot comes back, once, however often the JDK reports the status.
    routing.responded(first, exchange(firstTarget));
    routing.responded(first, 200);
    routing.ended(first);
    assertThat(limits().requestsInFlight()).isEqualTo(1);
    HttpURLConnection fourth = userConnection("/");
    assertThat(connect(routing, fourth)).isInstanceOf(URL.class);
    assertThat(limits().requestsInFlight()).isEqualTo(2);
    routing.responded(second, exchange(secondTarget));
    routing.ended(fourth);
    awaitNothingInFlight();
  }

  @Test
  void aUrlConnectionCallGivesItsSlotBackOnceHoweverItEnds() throws Exception {
    UrlConnectionRouting routing = new UrlConnectionRouting(calls(rules("{attempts: 0}", URL_CONNECTION_RULES)));
    for (int round = 0; round < 3; round++) {
      HttpURLConnection read = userConnection("/");
      routing.responded(read, exchange(connect(routing, read)));
      awaitNothingInFlight();

      HttpURLConnection disconnected = userConnection("/");
      connect(routing, disconnected); // connected, never read: the application calls disconnect()
      routing.ended(disconnected);
      awaitNothingInFlight();

      HttpURLConnection failedRead = userConnection("/"); // opening the input stream failed (reset, read timeout)
      connect(routing, failedRead);
      routing.ended(failedRead);
      routing.responded(failedRead, 502); // a status the JDK still finds is recorded, and gives nothing back twice
      awaitNothingInFlight();

      HttpURLConnection refused = userConnection("/"); // the connect failed, not retried (attempts: 0)
      connect(routing, refused);
      assertThat(routing.connectFailed(refused, new ConnectException("Connection refused"))).isFalse();
      routing.ended(refused);
      awaitNothingInFlight();
    }
    assertThat(overflows).as("no call was turned away: every slot came back").isEmpty();
  }

  /** A call connected and then dropped by the application: no status, no disconnect(). */
  private static void connectAndDrop(UrlConnectionRouting routing) throws IOException {
    connect(routing, userConnection("/"));
  }

  @Test
  void aUrlConnectionDroppedUnreadGivesItsSlotBackWhenCollected() throws Exception {
    UrlConnectionRouting routing = new UrlConnectionRouting(calls(rules("{attempts: 0}", URL_CONNECTION_RULES)));
    connectAndDrop(routing);
    connectAndDrop(routing);
    assertThat(limits().requestsInFlight()).isEqualTo(2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (limits().requestsInFlight() != 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(limits().requestsInFlight()).as("the slots of both collected connections").isZero();
    HttpURLConnection next = userConnection("/");
    routing.responded(next, exchange(connect(routing, next)));
    awaitNothingInFlight();
  }

  @Test
  void aRetriedUrlConnectionConnectHoldsARetrySlotAndOneBeyondMaxRetriesIsNotMade() throws Exception {
    UrlConnectionRouting routing = new UrlConnectionRouting(calls(rules(
        "{attempts: 2, retryOn: connect-failure}", "{http: {http2MaxRequests: 10, maxRetries: 1}}")));
    HttpURLConnection retried = userConnection("/");
    connect(routing, retried);
    assertThat(routing.connectFailed(retried, new ConnectException("Connection refused"))).as("retried").isTrue();
    assertThat(limits().retriesInFlight()).isEqualTo(1);

    HttpURLConnection other = userConnection("/");
    connect(routing, other);
    assertThat(routing.connectFailed(other, new ConnectException("Connection refused")))
        .as("a second retry in flight is beyond maxRetries: 1").isFalse();
    assertThat(overflows).extracting(Overflow::kind).containsExactly(Overflow.Kind.RETRIES);
    assertThat(limits().requestsInFlight()).as("the call that was not retried is over").isEqualTo(1);

    Object retry = connect(routing, retried); // the woven plainConnect connects again, to the retry's URL
    routing.responded(retried, exchange(retry));
    awaitNothingInFlight();
  }

  @Test
  void okHttpTakesTheConnectTimeoutOfTheRule() throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(new InboardInterceptor(calls(rules("{attempts: 0}", "{tcp: {connectTimeout: 250ms}}"))))
        .addNetworkInterceptor(chain -> {
          seen.add(chain.connectTimeoutMillis());
          return chain.proceed(chain.request());
        })
        .build();
    try (Response r = client.newCall(get("/")).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(seen).containsExactly(250);
    OkHttpClient shorter = client.newBuilder().connectTimeout(Duration.ofMillis(100)).build();
    try (Response r = shorter.newCall(get("/")).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(seen).as("the application's shorter one stands").containsExactly(250, 100);
  }
}
