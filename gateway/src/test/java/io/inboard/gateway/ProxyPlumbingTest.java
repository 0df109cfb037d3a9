package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import io.inboard.core.route.Decision.Actions;
import io.inboard.core.route.Decision.HeaderOps;
import io.inboard.core.route.RequestView;
import io.inboard.core.snapshot.Snapshot;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's plumbing with decisions given by the test (not the router): for each kind of
 * decision, what a real client sees and what a real upstream receives.
 */
class ProxyPlumbingTest {
  static final String HOST = "user.example.com";
  static final String SERVICE = "user.traffic-management.svc.cluster.local";

  static EchoUpstream v1;
  static EchoUpstream v2;
  static InboardGateway gateway;
  static TestClient client;
  static final AtomicReference<Function<RequestView, Decision>> decide = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
    v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"));
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, null,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
    gateway = InboardGateway.start(settings, new FixedSource());
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        VirtualHostsTest.gateway("traffic-management", "gw", Map.of("istio", "ingressgateway"), HOST, "*.shop.example.com"),
        VirtualHostsTest.gateway("other", "second", Map.of("istio", "ingressgateway"), "*.shop.example.com")),
        Map.of("istio", "ingressgateway"));
    gateway.use(new GatewayRoutes(Snapshot.EMPTY, hosts, view -> decide.get().apply(view)));
    client = new TestClient(gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    gateway.close();
    v1.close();
    v2.close();
  }

  @BeforeEach
  void routeToV1ByDefault() {
    decide.set(view -> route(v1, actions().build()));
  }

  @Test
  void forwardsToTheChosenInstanceWithHostQueryAndForwardingHeaders() throws Exception {
    ContentResponse response = client.get(HOST + ":8080", "/hello/world?x=1&y=2", "my-header", "alice");

    Map<String, String> seen = TestClient.echo(response);
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(response.getHeaders().get("x-upstream-instance")).isEqualTo("user-v1");
    assertThat(seen).containsEntry("instance", "user-v1")
        .containsEntry("path", "/hello/world")
        .containsEntry("query", "x=1&y=2")
        .containsEntry("header host", HOST + ":8080")
        .containsEntry("header my-header", "alice")
        .containsEntry("header x-forwarded-for", "127.0.0.1")
        .containsEntry("header x-forwarded-proto", "http")
        .containsEntry("header x-forwarded-host", HOST + ":8080");
    // Nothing doubled by the proxy's own client (User-Agent, Accept-Encoding).
    assertThat(response.getContentAsString()).containsOnlyOnce("header user-agent:").containsOnlyOnce("header accept-encoding:");
    assertThat(seen.get("header x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void keepsTheClientsRequestIdAndAppendsToForwardedFor() throws Exception {
    ContentResponse response = client.get(HOST, "/", "x-request-id", "abc-123", "x-forwarded-for", "203.0.113.7");

    String body = response.getContentAsString();
    assertThat(body).containsOnlyOnce("header x-request-id: abc-123");
    assertThat(TestClient.echo(response)).containsEntry("header x-forwarded-for", "203.0.113.7, 127.0.0.1");
  }

  @Test
  void eachRequestWithoutIdGetsItsOwn() throws Exception {
    String first = TestClient.echo(client.get(HOST, "/")).get("header x-request-id");
    String second = TestClient.echo(client.get(HOST, "/")).get("header x-request-id");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void rewriteReplacesPathAndAuthorityAndKeepsTheOriginalPathVisible() throws Exception {
    decide.set(view -> route(v2, actions().rewrite("/list", "user.internal").build()));

    Map<String, String> seen = TestClient.echo(client.get(HOST, "/user/list?page=2"));

    assertThat(seen).containsEntry("instance", "user-v2")
        .containsEntry("path", "/list")
        .containsEntry("query", "page=2")
        .containsEntry("header host", "user.internal")
        .containsEntry("header x-envoy-original-path", "/user/list?page=2");
  }

  @Test
  void requestAndResponseHeaderOperationsApply() throws Exception {
    decide.set(view -> route(v1, actions()
        .request(new HeaderOps(Map.of("x-set", "set-value"), Map.of("x-added", "added"), List.of("x-secret")))
        .response(new HeaderOps(Map.of("x-served-by", "gateway"), Map.of("x-extra", "1"), List.of("x-upstream-instance")))
        .build()));

    ContentResponse response = client.get(HOST, "/", "x-secret", "s3cr3t", "x-set", "old", "x-added", "first");

    String body = response.getContentAsString();
    assertThat(body).doesNotContain("x-secret").doesNotContain("header x-set: old")
        .contains("header x-set: set-value").contains("header x-added: first").contains("header x-added: added");
    assertThat(response.getHeaders().get("x-served-by")).isEqualTo("gateway");
    assertThat(response.getHeaders().get("x-extra")).isEqualTo("1");
    assertThat(response.getHeaders().contains("x-upstream-instance")).isFalse();
  }

  @Test
  void redirectAnswersWithLocationAndStatusWithoutCallingUpstream() throws Exception {
    int before = v1.requests.get() + v2.requests.get();
    decide.set(view -> local(Decision.Outcome.REDIRECT, 301, actions().redirect("https://new.example.com/v2/users").build()));
    ContentResponse absolute = client.get(HOST, "/old");
    decide.set(view -> local(Decision.Outcome.REDIRECT, 302, actions().redirect("/moved?a=b").build()));
    ContentResponse relative = client.get(HOST, "/old");

    assertThat(absolute.getStatus()).isEqualTo(301);
    assertThat(absolute.getHeaders().get("location")).isEqualTo("https://new.example.com/v2/users");
    assertThat(relative.getStatus()).isEqualTo(302);
    assertThat(relative.getHeaders().get("location")).isEqualTo("http://" + HOST + "/moved?a=b");
    assertThat(v1.requests.get() + v2.requests.get()).isEqualTo(before);
  }

  @Test
  void directResponseAnswersWithTheRulesStatusAndBody() throws Exception {
    decide.set(view -> local(Decision.Outcome.DIRECT_RESPONSE, 418, actions().direct("short and stout").build()));

    ContentResponse response = client.get(HOST, "/teapot");

    assertThat(response.getStatus()).isEqualTo(418);
    assertThat(response.getContentAsString()).isEqualTo("short and stout");
  }

  @Test
  void unknownHostIs404WithReason() throws Exception {
    ContentResponse response = client.get("nope.example.com:8080", "/");

    assertThat(response.getStatus()).isEqualTo(404);
    assertThat(response.getHeaders().get("x-inboard-reason")).contains("unknown host 'nope.example.com'");
    assertThat(response.getContentAsString()).contains("unknown host 'nope.example.com'");
  }

  @Test
  void noRouteIs404AndNoInstanceIs503WithTheRoutersReason() throws Exception {
    decide.set(view -> new Decision(Decision.Outcome.NO_ROUTE, 404, "no rule of traffic-management/vs matched",
        null, null, null, null, null, List.of()));
    ContentResponse noRoute = client.get(HOST, "/");
    decide.set(view -> new Decision(Decision.Outcome.NO_INSTANCE, 503, "subset v3 of user has no instance",
        new Decision.Match("traffic-management/vs", 0, "r"), new Decision.Target(SERVICE, "v3", 0), null, null, null, List.of()));
    ContentResponse noInstance = client.get(HOST, "/");

    assertThat(noRoute.getStatus()).isEqualTo(404);
    assertThat(noRoute.getHeaders().get("x-inboard-reason")).isEqualTo("no rule of traffic-management/vs matched");
    assertThat(noInstance.getStatus()).isEqualTo(503);
    assertThat(noInstance.getHeaders().get("x-inboard-reason")).isEqualTo("subset v3 of user has no instance");
    assertThat(noInstance.getContentAsString()).contains("subset v3 of user has no instance");
  }

  @Test
  void theRouteTimeoutAnswers504() throws Exception {
    decide.set(view -> route(v1, actions().timeout(Duration.ofMillis(300)).build()));

    long start = System.nanoTime();
    ContentResponse response = client.get(HOST, "/slow?ms=10000");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(response.getStatus()).isEqualTo(504);
    assertThat(response.getHeaders().get("x-inboard-reason")).contains("upstream request timeout").contains("300 ms");
    assertThat(millis).isBetween(250L, 8000L);
  }

  @Test
  void aTimeoutLongerThanTheAnswerLetsItThrough() throws Exception {
    decide.set(view -> route(v1, actions().timeout(Duration.ofSeconds(20)).build()));

    ContentResponse response = client.get(HOST, "/slow?ms=100");

    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(response)).containsEntry("instance", "user-v1");
  }

  @Test
  void faultAbortAnswersWithoutCallingUpstream() throws Exception {
    int before = v1.requests.get();
    decide.set(view -> route(v1, actions().fault(new Decision.Fault(null, 503)).build()));

    ContentResponse response = client.get(HOST, "/");

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaders().get("x-inboard-reason")).contains("fault injected");
    assertThat(v1.requests.get()).isEqualTo(before);
  }

  @Test
  void faultDelayWaitsBeforeSending() throws Exception {
    decide.set(view -> route(v1, actions().fault(new Decision.Fault(Duration.ofMillis(400), 0)).build()));

    long start = System.nanoTime();
    ContentResponse response = client.get(HOST, "/");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(millis).isGreaterThanOrEqualTo(400);
  }

  // Envoy's route timeout starts after the fault filter's delay: the delay is not charged to it.
  @Test
  void aFaultDelayIsNotChargedToTheRouteTimeout() throws Exception {
    decide.set(view -> route(v1, actions().timeout(Duration.ofMillis(1000))
        .fault(new Decision.Fault(Duration.ofMillis(900), 0)).build()));

    ContentResponse response = client.get(HOST, "/slow?ms=300");

    assertThat(response.getStatus()).as("the instance answers in 300 ms of a 1000 ms timeout").isEqualTo(200);
  }

  // Envoy's route timeout runs from the end of the client's request to the end of the answer.
  @Test
  void aSlowUploadIsNotChargedToTheRouteTimeout() throws Exception {
    decide.set(view -> route(v1, actions().timeout(Duration.ofMillis(1000)).build()));
    AsyncRequestContent body = new AsyncRequestContent("application/octet-stream");
    CompletableFuture<Result> upload = new CompletableFuture<>();
    StringBuilder answer = new StringBuilder();
    client.request(HOST, "/upload").method(HttpMethod.POST).body(body)
        .onResponseContent((r, buffer) -> answer.append(java.nio.charset.StandardCharsets.UTF_8.decode(buffer)))
        .send(upload::complete);
    for (int i = 0; i < 6 && !upload.isDone(); i++) {
      body.write(ByteBuffer.wrap(new byte[1024]), org.eclipse.jetty.util.Callback.NOOP);
      Thread.sleep(250); // the client takes 1.5 s to send 6 KiB
    }
    body.close();
    Result result = upload.get(20, TimeUnit.SECONDS);

    assertThat(result.getResponse().getStatus()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.toString()).contains("received 6144 bytes");
  }

  // Envoy (upstream_request.cc, onPerTryTimeout): once anything was sent downstream the per-try
  // timeout is ignored and only the route timeout applies.
  @Test
  void thePerTryTimeoutDoesNotCutOffAnAnswerAlreadyStreaming() throws Exception {
    try (EchoUpstream gated = new EchoUpstream("user-gated", Map.of("app", "user", "version", "v1"))) {
      decide.set(view -> route(gated, actions()
          .retries(new Decision.Retries(2, Duration.ofMillis(300), List.of("5xx"))).build()));
      CompletableFuture<Result> done = new CompletableFuture<>();
      StringBuilder received = new StringBuilder();
      client.request(HOST, "/gated")
          .onResponseContent((r, buffer) -> received.append(java.nio.charset.StandardCharsets.UTF_8.decode(buffer)))
          .send(done::complete);
      Thread.sleep(1000);
      gated.gate.countDown();
      Result result = done.get(20, TimeUnit.SECONDS);

      assertThat(result.isSucceeded()).as("answer completed: " + result.getFailure()).isTrue();
      assertThat(received.toString()).isEqualTo("first bytes from user-gated\nrest\n");
      assertThat(gated.requests.get()).as("not retried").isEqualTo(1);
    }
  }

  @Test
  void theRouteTimeoutStillCutsOffAnAnswerThatStreamsTooLong() throws Exception {
    try (EchoUpstream gated = new EchoUpstream("user-gated", Map.of("app", "user", "version", "v1"))) {
      decide.set(view -> route(gated, actions().timeout(Duration.ofMillis(500)).build()));
      CompletableFuture<Result> done = new CompletableFuture<>();
      StringBuilder received = new StringBuilder();
      client.request(HOST, "/gated")
          .onResponseContent((r, buffer) -> received.append(java.nio.charset.StandardCharsets.UTF_8.decode(buffer)))
          .send(done::complete);
      Result result = done.get(20, TimeUnit.SECONDS);

      assertThat(result.isFailed()).as("the answer is cut off at the route timeout").isTrue();
      assertThat(result.getResponse().getStatus()).isEqualTo(200);
      assertThat(received.toString()).isEqualTo("first bytes from user-gated\n");
    }
  }

  @Test
  void theRouteTimeoutEndsRetriesThatWouldGoOnLonger() throws Exception {
    try (RawUpstream hung = RawUpstream.start(true)) {
      Instance instance = hung.instance();
      decide.set(view -> new Decision(Decision.Outcome.ROUTE, 200, "routed", new Decision.Match("traffic-management/vs", 0, "r"),
          new Decision.Target(SERVICE, "v1", 0), instance, null,
          actions().timeout(Duration.ofMillis(700))
              .retries(new Decision.Retries(10, Duration.ofMillis(300), List.of("reset"))).build(), List.of()));

      long start = System.nanoTime();
      ContentResponse response = client.get(HOST, "/");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(response.getStatus()).isEqualTo(504);
      assertThat(response.getHeaders().get("x-inboard-reason")).contains("700 ms (route timeout)");
      assertThat(millis).isBetween(650L, 5000L);
    }
  }

  @Test
  void retriesAnIdempotentRequestUntilItSucceeds() throws Exception {
    decide.set(view -> route(v1, actions().retries(new Decision.Retries(3, null, List.of("5xx"))).build()));
    v1.flakyFailures.set(2);
    int before = v1.requests.get();

    ContentResponse response = client.get(HOST, "/flaky");

    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(v1.requests.get() - before).isEqualTo(3);
  }

  @Test
  void whenRetriesRunOutTheLastUpstreamAnswerIsPassedOn() throws Exception {
    decide.set(view -> route(v1, actions().retries(new Decision.Retries(1, null, List.of("gateway-error"))).build()));
    v1.flakyFailures.set(5);
    int before = v1.requests.get();

    ContentResponse response = client.get(HOST, "/flaky");
    v1.flakyFailures.set(0);

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getContentAsString()).contains("flaky failure from user-v1");
    assertThat(v1.requests.get() - before).isEqualTo(2);
  }

  @Test
  void requestsWithABodyAreNotRetried() throws Exception {
    decide.set(view -> route(v1, actions().retries(new Decision.Retries(3, null, List.of("5xx"))).build()));
    v1.flakyFailures.set(1);
    int before = v1.requests.get();

    ContentResponse response = client.request(HOST, "/flaky").method(HttpMethod.PUT)
        .body(new org.eclipse.jetty.client.StringRequestContent("text/plain", "payload")).send();
    v1.flakyFailures.set(0);

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(v1.requests.get() - before).isEqualTo(1);
  }

  // Envoy (retry_state_impl.cc, wouldRetryFromReset): 5xx and gateway-error retry any reset.
  @Test
  void gatewayErrorRetriesAnUpstreamReset() throws Exception {
    try (RawUpstream reset = RawUpstream.start(false)) {
      firstTo(reset.instance(), actions().retries(new Decision.Retries(2, null, List.of("gateway-error"))).build());

      ContentResponse response = client.get(HOST, "/");

      assertThat(response.getStatus()).as("the retry reached user-v1").isEqualTo(200);
    }
  }

  // Envoy: "reset" retries when the instance does not answer at all (disconnect, reset, per-try timeout).
  @Test
  void resetRetriesAPerTryTimeout() throws Exception {
    try (RawUpstream hung = RawUpstream.start(true)) {
      firstTo(hung.instance(),
          actions().retries(new Decision.Retries(2, Duration.ofMillis(300), List.of("reset"))).build());

      ContentResponse response = client.get(HOST, "/");

      assertThat(response.getStatus()).as("the retry after 300 ms reached user-v1").isEqualTo(200);
    }
  }

  @Test
  void resetRetriesAConnectFailure() throws Exception {
    Instance gone = new Instance("user-gone", "user", "traffic-management", "127.0.0.1", closedPort(), Map.of("version", "v1"));
    firstTo(gone, actions().retries(new Decision.Retries(2, null, List.of("reset"))).build());

    ContentResponse response = client.get(HOST, "/");

    assertThat(response.getStatus()).as("the retry reached user-v1").isEqualTo(200);
  }

  // Envoy (wouldRetryFromHeaders): retriable-4xx retries 409 Conflict.
  @Test
  void retriable4xxRetriesA409() throws Exception {
    decide.set(view -> route(v1, actions().retries(new Decision.Retries(2, null, List.of("retriable-4xx"))).build()));
    int before = v1.requests.get();

    ContentResponse response = client.get(HOST, "/status/409");

    assertThat(response.getStatus()).isEqualTo(409);
    assertThat(v1.requests.get() - before).as("1 try + 2 retries").isEqualTo(3);
  }

  @Test
  void anInstanceThatRefusesConnectionsIs503WithReason() throws Exception {
    Instance gone = new Instance("user-gone", "user", "traffic-management", "127.0.0.1", closedPort(), Map.of("version", "v1"));
    decide.set(view -> new Decision(Decision.Outcome.ROUTE, 200, "routed", new Decision.Match("traffic-management/vs", 0, "r"),
        new Decision.Target(SERVICE, "v1", 0), gone, null, actions().build(), List.of()));

    ContentResponse response = client.get(HOST, "/");

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaders().get("x-inboard-reason")).contains("upstream connect error").contains("user-gone")
        .doesNotContain("127.0.0.1");
  }

  @Test
  void anInstanceThatHangsUpWithoutAnsweringIs502WithReason() throws Exception {
    ContentResponse response = client.get(HOST, "/reset");

    assertThat(response.getStatus()).isEqualTo(502);
    assertThat(response.getHeaders().get("x-inboard-reason")).contains("upstream reset").contains("user-v1");
  }

  @Test
  void mirrorSendsACopyWithAShadowHostAndTheClientGetsTheRealAnswer() throws Exception {
    Instance mirror = v2.instance("user", "traffic-management");
    decide.set(view -> route(v1, actions().mirror(new Decision.Mirror(new Decision.Target(SERVICE, "v2", 0), mirror)).build()));
    int before = v2.requests.get();

    ContentResponse response = client.get(HOST + ":8080", "/mirrored");

    assertThat(TestClient.echo(response)).containsEntry("instance", "user-v1");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> v2.requests.get() > before);
    assertThat(v2.lastHostAndPath).isEqualTo("user.example.com-shadow:8080/mirrored");
  }

  @Test
  void theMirrorsCopyIsTheRequestAsForwardedWithTheRewrittenAuthorityAndHeaderOperations() throws Exception {
    // Envoy shadows the request after the route's rewrites and header operations.
    Instance mirror = v2.instance("user", "traffic-management");
    decide.set(view -> route(v1, actions()
        .mirror(new Decision.Mirror(new Decision.Target(SERVICE, "v2", 0), mirror))
        .rewrite(null, "backend.internal")
        .request(new HeaderOps(Map.of("x-set", "yes"), Map.of(), List.of("x-drop")))
        .build()));
    int before = v2.requests.get();

    ContentResponse response = client.get(HOST, "/mirrored", "x-drop", "secret");

    assertThat(TestClient.echo(response)).containsEntry("instance", "user-v1");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> v2.requests.get() > before);
    assertThat(v2.lastHostAndPath).isEqualTo("backend.internal-shadow/mirrored");
    assertThat(v2.lastHeaders.get("x-set")).isEqualTo("yes");
    assertThat(v2.lastHeaders.get("x-drop")).isNull();
  }

  @Test
  void responseBytesReachTheClientBeforeTheUpstreamHasFinished() throws Exception {
    CountDownLatch firstBytes = new CountDownLatch(1);
    CompletableFuture<Result> done = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();

    client.request(HOST, "/gated")
        .onResponseContent((response, buffer) -> {
          synchronized (received) {
            received.append(java.nio.charset.StandardCharsets.UTF_8.decode(buffer));
          }
          firstBytes.countDown();
        })
        .send(done::complete);

    assertThat(firstBytes.await(20, TimeUnit.SECONDS)).as("first bytes arrived while upstream still writing").isTrue();
    assertThat(v1.gate.getCount()).isEqualTo(1);
    assertThat(done).isNotDone();
    v1.gate.countDown();
    Result result = done.get(20, TimeUnit.SECONDS);
    assertThat(result.isSucceeded()).isTrue();
    assertThat(received.toString()).isEqualTo("first bytes from user-v1\nrest\n");
  }

  @Test
  void fiftyMegabytesStreamThroughInBothDirections() throws Exception {
    AtomicLong downloaded = new AtomicLong();
    CompletableFuture<Result> download = new CompletableFuture<>();
    client.request(HOST, "/download?mb=50")
        .onResponseContent((r, buffer) -> downloaded.addAndGet(buffer.remaining()))
        .send(download::complete);
    assertThat(download.get(120, TimeUnit.SECONDS).isSucceeded()).isTrue();
    assertThat(downloaded.get()).isEqualTo(50L * 1024 * 1024);

    AsyncRequestContent body = new AsyncRequestContent("application/octet-stream");
    CompletableFuture<ContentResponse> upload = new org.eclipse.jetty.client.CompletableResponseListener(
        client.request(HOST, "/upload").method(HttpMethod.POST).body(body), 4096).send();
    for (int i = 0; i < 50 * 16; i++) {
      CompletableFuture<Void> written = new CompletableFuture<>();
      body.write(ByteBuffer.allocate(64 * 1024), org.eclipse.jetty.util.Callback.from(() -> written.complete(null), written::completeExceptionally));
      written.get(30, TimeUnit.SECONDS);
      if (i == 0) {
        assertThat(v1.uploadStarted.await(20, TimeUnit.SECONDS))
            .as("upstream received the first bytes while the client was still sending").isTrue();
      }
    }
    body.close();
    assertThat(upload.get(120, TimeUnit.SECONDS).getContentAsString()).contains("received " + (50L * 1024 * 1024) + " bytes");
  }

  // Istio's default path normalization (BASE): unreserved escapes decoded, dot segments removed,
  // before routing; the instance gets the normalized path.
  @Test
  void dotSegmentsAreRemovedBeforeRoutingAndTheInstanceGetsTheNormalizedPath() throws Exception {
    List<String> routed = new java.util.concurrent.CopyOnWriteArrayList<>();
    decide.set(view -> {
      routed.add(view.path());
      return route(v1, actions().build());
    });

    ContentResponse dots = client.get(HOST, "/public/./x/../../admin/users?q=1");
    ContentResponse escaped = client.get(HOST, "/public/%2e%2E/%7Eadmin/%41");

    assertThat(routed).containsExactly("/admin/users", "/~admin/A");
    assertThat(TestClient.echo(dots)).containsEntry("path", "/admin/users").containsEntry("query", "q=1");
    assertThat(TestClient.echo(escaped)).containsEntry("path", "/~admin/A");
  }

  @Test
  void aPathThatClimbsAboveTheRootIsRefusedWith400() throws Exception {
    List<String> routed = new java.util.concurrent.CopyOnWriteArrayList<>();
    decide.set(view -> {
      routed.add(view.path());
      return route(v1, actions().build());
    });

    ContentResponse response = client.get(HOST, "/../../admin");

    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(response.getHeaders().get("x-inboard-reason")).startsWith("request refused by the gateway");
    assertThat(routed).isEmpty();
  }

  // Envoy keeps escaped slashes (path_with_escaped_slashes_action: KEEP_UNCHANGED) and does not
  // merge slashes (merge_slashes: false) by default.
  @Test
  void encodedSlashesAndDoubleSlashesReachTheInstanceUnchanged() throws Exception {
    List<String> routed = new java.util.concurrent.CopyOnWriteArrayList<>();
    decide.set(view -> {
      routed.add(view.path());
      return route(v1, actions().build());
    });

    ContentResponse encoded = client.get(HOST, "/repos/group%2Fproject/files");
    ContentResponse doubled = client.get(HOST, "/static//app.js");

    assertThat(encoded.getStatus()).as(encoded.getContentAsString()).isEqualTo(200);
    assertThat(TestClient.echo(encoded)).containsEntry("path", "/repos/group%2Fproject/files");
    assertThat(doubled.getStatus()).as(doubled.getContentAsString()).isEqualTo(200);
    assertThat(TestClient.echo(doubled)).containsEntry("path", "/static//app.js");
    assertThat(routed).containsExactly("/repos/group%2Fproject/files", "/static//app.js");
  }

  @Test
  void aUriJettyRefusesIsAnsweredInTheGatewaysFormat() throws Exception {
    int before = v1.requests.get();

    ContentResponse parameter = client.get(HOST, "/public/..;/admin");

    assertThat(parameter.getStatus()).isEqualTo(400);
    assertThat(parameter.getHeaders().get("content-type")).startsWith("text/plain");
    assertThat(parameter.getHeaders().get("x-inboard-reason")).contains("request refused by the gateway");
    assertThat(parameter.getContentAsString()).doesNotContain("<html");
    assertThat(v1.requests.get()).isEqualTo(before);
  }

  @Test
  void metricsAndAdminEndpointsDescribeTraffic() throws Exception {
    client.get(HOST, "/");
    client.get("nope.example.com", "/");
    try (TestClient admin = new TestClient(gateway.adminPort())) {
      String metrics = admin.get("localhost", "/metrics").getContentAsString();
      assertThat(metrics).containsPattern("istio_requests_total\\{[^}]*destination_service=\"" + SERVICE.replace(".", "\\.")
          + "\"[^}]*destination_version=\"v1\"[^}]*reporter=\"source\"[^}]*response_code=\"200\"[^}]*source_workload=\"inboard-gateway\"[^}]*} [1-9]");
      assertThat(metrics).containsPattern("istio_requests_total\\{[^}]*destination_service=\"unknown\"[^}]*response_code=\"404\"[^}]*response_flags=\"NR\"");
      assertThat(metrics).contains("istio_request_duration_milliseconds_bucket{");
      assertThat(metrics).contains("istio_request_duration_milliseconds_count{");
      assertThat(admin.get("localhost", "/healthz").getStatus()).isEqualTo(200);
      assertThat(admin.get("localhost", "/readyz").getStatus()).isEqualTo(200);
      String config = admin.get("localhost", "/config").getContentAsString();
      assertThat(config).contains("\"traffic-management/gw\"").contains("\"" + HOST + "\"");
    }
  }

  // Jetty's proxy streams no body for Content-Length 0, or a Content-Type alone: the route timeout
  // must start without waiting for a body that never comes.
  @Test
  void theRouteTimeoutAppliesToABodilessRequestWithAContentType() throws Exception {
    decide.set(view -> route(v1, actions().timeout(Duration.ofMillis(300)).build()));

    long start = System.nanoTime();
    ContentResponse response = client.request(HOST, "/slow?ms=4000").method(HttpMethod.DELETE)
        .headers(h -> h.put("content-type", "application/json").put("content-length", "0")).send();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(response.getStatus()).as("answered after " + millis + " ms").isEqualTo(504);
    assertThat(millis).isLessThan(3000L);
  }

  @Test
  void aBodilessGetWithAContentTypeIsRetried() throws Exception {
    decide.set(view -> route(v1, actions().retries(new Decision.Retries(3, null, List.of("5xx"))).build()));
    v1.flakyFailures.set(1);
    int before = v1.requests.get();

    ContentResponse response = client.get(HOST, "/flaky", "content-type", "application/json");
    v1.flakyFailures.set(0);

    assertThat(response.getStatus()).as("no body was sent: the 503 is retried").isEqualTo(200);
    assertThat(v1.requests.get() - before).isEqualTo(2);
  }

  // An answer cut off by the route timeout is an upstream timeout (UT), not a reset.
  @Test
  void anAnswerCutOffByTheRouteTimeoutIsCountedAsUT() throws Exception {
    try (EchoUpstream gated = new EchoUpstream("user-cutoff", Map.of("app", "user", "version", "cutoff"))) {
      decide.set(view -> route(gated, actions().timeout(Duration.ofMillis(500)).build()));
      CompletableFuture<Result> done = new CompletableFuture<>();
      client.request(HOST, "/gated").send(done::complete);
      Result result = done.get(20, TimeUnit.SECONDS);
      assertThat(result.isFailed()).isTrue();
      try (TestClient admin = new TestClient(gateway.adminPort())) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
          String metrics = admin.get("localhost", "/metrics").getContentAsString();
          String line = metrics.lines()
              .filter(l -> l.startsWith("istio_requests_total{") && l.contains("destination_version=\"cutoff\""))
              .findFirst().orElse("none");
          assertThat(line).contains("response_flags=\"UT\"");
        });
      }
    }
  }

  // --- decisions as the router would make them ---

  static Decision route(EchoUpstream upstream, Actions actions) {
    Instance instance = upstream.instance("user", "traffic-management");
    return new Decision(Decision.Outcome.ROUTE, 200, "routed", new Decision.Match("traffic-management/vs", 0, "r"),
        new Decision.Target(SERVICE, upstream.labels.get("version"), 0), instance, null, actions, List.of());
  }

  static Decision local(Decision.Outcome outcome, int status, Actions actions) {
    return new Decision(outcome, status, outcome.name().toLowerCase(), new Decision.Match("traffic-management/vs", 0, "r"),
        null, null, null, actions, List.of());
  }

  static ActionsBuilder actions() {
    return new ActionsBuilder();
  }

  static final class ActionsBuilder {
    String path;
    String authority;
    HeaderOps request = HeaderOps.NONE;
    HeaderOps response = HeaderOps.NONE;
    Duration timeout;
    Decision.Retries retries;
    Decision.Fault fault;
    String redirect;
    String direct;
    List<Decision.Mirror> mirrors;

    ActionsBuilder mirror(Decision.Mirror... mirrors) {
      this.mirrors = List.of(mirrors);
      return this;
    }

    ActionsBuilder rewrite(String path, String authority) {
      this.path = path;
      this.authority = authority;
      return this;
    }

    ActionsBuilder request(HeaderOps ops) {
      this.request = ops;
      return this;
    }

    ActionsBuilder response(HeaderOps ops) {
      this.response = ops;
      return this;
    }

    ActionsBuilder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    ActionsBuilder retries(Decision.Retries retries) {
      this.retries = retries;
      return this;
    }

    ActionsBuilder fault(Decision.Fault fault) {
      this.fault = fault;
      return this;
    }

    ActionsBuilder redirect(String location) {
      this.redirect = location;
      return this;
    }

    ActionsBuilder direct(String body) {
      this.direct = body;
      return this;
    }

    Actions build() {
      return new Actions(path, authority, request, response, timeout, retries, fault, mirrors, redirect, direct, null);
    }
  }

  /** The first decision goes to {@code first}, every later one (the retries) to v1. */
  static void firstTo(Instance first, Actions actions) {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Instance retried = v1.instance("user", "traffic-management");
    decide.set(view -> new Decision(Decision.Outcome.ROUTE, 200, "routed", new Decision.Match("traffic-management/vs", 0, "r"),
        new Decision.Target(SERVICE, "v1", 0), calls.getAndIncrement() == 0 ? first : retried, null, actions, List.of()));
  }

  /** An instance on a raw socket that reads the request head, then hangs up or hangs. */
  record RawUpstream(java.net.ServerSocket socket, Instance instance) implements AutoCloseable {
    static RawUpstream start(boolean hang) throws Exception {
      java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            java.net.Socket accepted = socket.accept();
            accepted.getInputStream().read(new byte[8192]);
            if (!hang) {
              accepted.close();
            }
          } catch (java.io.IOException e) {
            return;
          }
        }
      }, "raw-upstream");
      thread.setDaemon(true);
      thread.start();
      return new RawUpstream(socket, new Instance(hang ? "user-hung" : "user-reset", "user", "traffic-management",
          "127.0.0.1", socket.getLocalPort(), Map.of("version", "v1")));
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  static int closedPort() throws Exception {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Snapshots are installed by the test itself. */
  static final class FixedSource implements SnapshotSource {
    @Override
    public void start(java.util.function.Consumer<Snapshot> sink) {}

    @Override
    public String describe() {
      return "test";
    }

    @Override
    public void close() {}
  }
}
