package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules' mirrors of OkHttp calls, through a real client to real servers on 127.0.0.1, routed by the
 * real router: the copy's target, host and headers, that the application sees only its own call,
 * percentages, bodies, and the bound on copies in flight.
 */
class InboardInterceptorMirrorTest {
  private static final MediaType TEXT = MediaType.get("text/plain");

  @TempDir Path dir;
  private final MirrorFixture mesh = new MirrorFixture();
  private final AtomicInteger applicationInterceptorCalls = new AtomicInteger();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private OkHttpClient client(MeshCalls calls) {
    return new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          applicationInterceptorCalls.incrementAndGet();
          return chain.proceed(chain.request());
        })
        .addInterceptor(new InboardInterceptor(calls))
        .readTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private static String call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  private static Request get(String path) {
    return new Request.Builder().url("http://user" + path).build();
  }

  @Test
  void theCopyGoesToTheMirrorInstanceWithTheShadowHostAndTheRoutedRequestsHeaders() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    OkHttpClient client = client(new MeshCalls(routing));
    PropagationContext context = PropagationContext.of(
        Map.of("my-header", List.of("alice"), "x-request-id", List.of("req-1")));

    String answer;
    try (Scope ignored = PropagationContext.attach(context)) {
      answer = call(client, get("/v1/list?page=2"));
    }

    assertThat(answer).as("the application gets the routed destination's answer").isEqualTo("200 user-v1 answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    Seen copy = mesh.v2.seen.get(0);
    Seen sent = mesh.v1.seen.get(0);
    assertThat(copy.method()).isEqualTo("GET");
    assertThat(copy.pathAndQuery()).as("the routed request's rewritten path").isEqualTo("/api/list?page=2");
    assertThat(copy.header("Host")).isEqualTo("user-shadow");
    assertThat(sent.header("Host")).isEqualTo("user");
    assertThat(copy.header("my-header")).isEqualTo("alice");
    assertThat(copy.header("x-request-id")).isEqualTo("req-1");
    assertThat(copy.header("x-route")).as("the rule's header operations").isEqualTo("main");
    assertThat(applicationInterceptorCalls).as("the application's interceptors see only its own call").hasValue(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 1);
    assertThat(routing.failures).isEmpty();
  }

  @Test
  void aSlowMirrorDoesNotDelayTheCall() throws IOException {
    mesh.v2.delayMillis = 3000;
    OkHttpClient client = client(new MeshCalls(mesh.routing(dir, 1)));

    long start = System.nanoTime();
    String answer = call(client, get("/v1/slow-mirror"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(answer).isEqualTo("200 user-v1 answer");
    assertThat(millis).as("the call did not wait for its 3 s mirror").isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
  }

  @Test
  void aMirrorThatRefusesConnectionsDoesNotFailTheCall() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1, MirrorFixture.closedPort());
    OkHttpClient client = client(new MeshCalls(routing));

    assertThat(call(client, get("/v1/dead-mirror"))).isEqualTo("200 user-v1 answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.FAILED) == 1);
    assertThat(routing.failures).as("a mirror's failure is not the agent's").isEmpty();
  }

  @Test
  void aMirrorDestinationWithoutInstancesIsCountedAndTheCallGoesOn() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);

    assertThat(call(client(new MeshCalls(routing)), get("/nowhere"))).isEqualTo("200 user-v1 answer");
    assertThat(routing.mirrors(MirrorResult.NO_INSTANCE)).isEqualTo(1);
  }

  @Test
  void aZeroPercentageMirrorsNothing() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    OkHttpClient client = client(new MeshCalls(routing));

    for (int i = 0; i < 50; i++) {
      call(client, get("/none"));
      call(client, get("/none-deprecated"));
    }
    call(client, get("/v1/last")); // mirrored: once its copy is in, any earlier one would be too

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 1);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/last");
    assertThat(routing.decidedMirrors).hasValue(1);
  }

  @Test
  void aMiddlePercentageMirrorsItsShareOfTheCalls() throws IOException {
    MeshRouting routing = mesh.routing(dir, 7);
    OkHttpClient client = client(new MeshCalls(routing, 1000));
    int calls = 400;

    for (int i = 0; i < calls; i++) {
      call(client, get("/half"));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> mesh.v2.seen.size() == routing.decidedMirrors.get());
    // Binomial(400, 0.5): standard deviation 10; four of them either side.
    assertThat(mesh.v2.seen.size()).isBetween(160, 240);
    assertThat(mesh.v1.seen).hasSize(calls);
  }

  @Test
  void aBodyThatCanBeWrittenAgainIsCopiedAfterTheCallsOwn() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    Request post = new Request.Builder().url("http://user/v1/orders").post(RequestBody.create("order 42", TEXT)).build();

    assertThat(call(client(new MeshCalls(routing)), post)).isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).method()).isEqualTo("POST");
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("order 42");
  }

  @Test
  void aOneShotOrLargeBodyIsNotCopied() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    OkHttpClient client = client(new MeshCalls(routing));
    RequestBody oneShot = new RequestBody() {
      @Override
      public MediaType contentType() {
        return TEXT;
      }

      @Override
      public long contentLength() {
        return 4;
      }

      @Override
      public boolean isOneShot() {
        return true;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8("once");
      }
    };
    byte[] large = new byte[(int) Mirrors.MAX_BODY_BYTES + 1];

    assertThat(call(client, new Request.Builder().url("http://user/v1/a").post(oneShot).build()))
        .isEqualTo("200 user-v1 answer");
    assertThat(call(client, new Request.Builder().url("http://user/v1/b").post(RequestBody.create(large)).build()))
        .isEqualTo("200 user-v1 answer");

    assertThat(routing.mirrors(MirrorResult.BODY)).as("counted as the calls return").isEqualTo(2);
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("once");
    call(client, get("/v1/last"));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 1);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/last");
  }

  @Test
  void copiesBeyondTheLimitInFlightAreDroppedNotQueued() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    mesh.v2.gate = new CountDownLatch(1);
    MeshCalls calls = new MeshCalls(routing, 2);
    OkHttpClient client = client(calls);

    for (int i = 0; i < 5; i++) {
      assertThat(call(client, get("/v1/held-" + i))).isEqualTo("200 user-v1 answer");
    }

    assertThat(routing.mirrors(MirrorResult.DROPPED)).isEqualTo(3);
    assertThat(calls.mirrors().inFlight()).isEqualTo(2);
    mesh.v2.gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 2);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactlyInAnyOrder("/api/held-0", "/api/held-1");
    assertThat(calls.mirrors().inFlight()).isZero();
  }

  @Test
  void theClientDerivedForMirrorsGetsNoRoutingInterceptor() throws IOException {
    OkHttpRouting okhttp = new OkHttpRouting(new MeshCalls(mesh.routing(dir, 1)));
    OkHttpClient.Builder application = new OkHttpClient.Builder();
    OkHttpClient.Builder derived = new OkHttpClient.Builder().addInterceptor(OkHttpMirror.Own.INSTANCE);

    okhttp.building(application);
    okhttp.building(derived);

    assertThat(application.interceptors()).hasExactlyElementsOfTypes(InboardInterceptor.class);
    assertThat(derived.interceptors()).containsExactly(OkHttpMirror.Own.INSTANCE);
  }

  @Test
  void aRetriedCallIsCopiedOnce() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    mesh.v1.status.set(503); // Istio's default policy retries a 503 twice

    assertThat(call(client(new MeshCalls(routing)), get("/v1/retried"))).isEqualTo("503 user-v1 answer");

    assertThat(mesh.v1.seen).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 1);
    assertThat(mesh.v2.seen).hasSize(1);
  }
}
