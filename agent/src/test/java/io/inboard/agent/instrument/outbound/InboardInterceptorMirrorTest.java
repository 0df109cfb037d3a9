package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/**
 * Rules' mirrors of OkHttp calls through a real client, besides the scenarios every client passes:
 * the application's interceptors, a middle percentage, bodies, retries, the derived client.
 */
class InboardInterceptorMirrorTest extends MirrorScenarios {
  private static final MediaType TEXT = MediaType.get("text/plain");

  private final AtomicInteger applicationInterceptorCalls = new AtomicInteger();
  private MeshCalls clientCalls;
  private OkHttpClient client;

  /** The application's client with the agent's interceptor last, one per {@code calls}. */
  private OkHttpClient client(MeshCalls calls) {
    if (calls != clientCalls) {
      clientCalls = calls;
      client = new OkHttpClient.Builder()
          .addInterceptor(chain -> {
            applicationInterceptorCalls.incrementAndGet();
            return chain.proceed(chain.request());
          })
          .addInterceptor(new InboardInterceptor(calls))
          .readTimeout(10, TimeUnit.SECONDS)
          .build();
    }
    return client;
  }

  @Override
  String get(MeshCalls calls, String path) throws IOException {
    return call(client(calls), new Request.Builder().url("http://user" + path).build());
  }

  private static String call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  private static Request post(String path, RequestBody body) {
    return new Request.Builder().url("http://user" + path).post(body).build();
  }

  @Test
  void theApplicationsInterceptorsSeeOnlyItsOwnCall() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);

    assertThat(get(new MeshCalls(routing), "/v1/one")).isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 1);
    assertThat(applicationInterceptorCalls).hasValue(1);
  }

  @Test
  void aMiddlePercentageMirrorsItsShareOfTheCalls() throws IOException {
    MeshRouting routing = mesh.routing(dir, 7);
    MeshCalls calls = new MeshCalls(routing, 1000);
    int n = 400;

    for (int i = 0; i < n; i++) {
      get(calls, "/half");
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> mesh.v2.seen.size() == routing.decidedMirrors.get());
    // Binomial(400, 0.5): standard deviation 10; four of them either side.
    assertThat(mesh.v2.seen.size()).isBetween(160, 240);
    assertThat(mesh.v1.seen).hasSize(n);
  }

  @Test
  void aBodyThatCanBeWrittenAgainIsCopiedAfterTheCallsOwn() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);

    assertThat(call(client(new MeshCalls(routing)), post("/v1/orders", RequestBody.create("order 42", TEXT))))
        .isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).method()).isEqualTo("POST");
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("order 42");
  }

  @Test
  void severalCopiesShareOneMoreWritingOfTheApplicationsBody() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    AtomicInteger writes = new AtomicInteger();
    RequestBody body = new RequestBody() {
      @Override
      public MediaType contentType() {
        return TEXT;
      }

      @Override
      public long contentLength() {
        return 8;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        writes.incrementAndGet();
        sink.writeUtf8("order 42");
      }
    };

    assertThat(call(client(new MeshCalls(routing)), post("/both/orders", body))).isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1 && mesh.v4.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v4.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("order 42");
    assertThat(writes).as("the call's own writing, and one into memory for both copies").hasValue(2);
  }

  @Test
  void aOneShotOrLargeBodyIsNotCopied() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    MeshCalls calls = new MeshCalls(routing);
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

    assertThat(call(client(calls), post("/v1/a", oneShot))).isEqualTo("200 user-v1 answer");
    assertThat(call(client(calls), post("/v1/b", RequestBody.create(large)))).isEqualTo("200 user-v1 answer");

    assertThat(routing.mirrors(MirrorResult.BODY)).as("counted as the calls return").isEqualTo(2);
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("once");
    get(calls, "/v1/last");
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 1);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/last");
  }

  @Test
  void aRetriedCallIsCopiedOnce() throws IOException {
    MeshRouting routing = mesh.routing(dir, 1);
    mesh.v1.status.set(503); // Istio's default policy retries a 503 twice

    assertThat(get(new MeshCalls(routing), "/v1/retried")).isEqualTo("503 user-v1 answer");

    assertThat(mesh.v1.seen).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 1);
    assertThat(mesh.v2.seen).hasSize(1);
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
}
