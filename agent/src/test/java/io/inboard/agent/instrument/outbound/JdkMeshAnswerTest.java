package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers the mesh gives {@code HttpClient} calls itself (an injected abort, no instance, no
 * route, direct responses, a redirect), decided by the real router and given to a real client's
 * calls as the woven {@code sendAsync} gives them: a response read through the application's own
 * body handler, with the status, headers and body OkHttp's synthetic response carries, nothing sent,
 * the call recorded once with its status.
 */
class JdkMeshAnswerTest {
  private AnsweringMesh mesh;
  private MeshCalls calls;
  private WovenJdkClient client;

  @BeforeEach
  void start() throws Exception {
    mesh = new AnsweringMesh();
    calls = mesh.calls(AnsweringMesh.RULES);
    client = new WovenJdkClient(calls, HttpClient.newHttpClient());
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://user" + path)).build();
  }

  private <T> HttpResponse<T> send(String path, HttpResponse.BodyHandler<T> handler) throws Exception {
    return client.sendAsync(get(path), handler).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anInjectedAbortIsAResponseWithItsStatusHeadersAndNoBody() throws Exception {
    HttpRequest request = get("/abort/x?y=1");
    HttpResponse<String> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(418);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue(InboardInterceptor.REASON_HEADER)).hasValue("fault injected");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(0);
    assertThat(response.headers().firstValue("location")).isEmpty();
    assertThat(response.request()).isSameAs(request);
    assertThat(response.uri()).isEqualTo(URI.create("http://user/abort/x?y=1"));
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.previousResponse()).isEmpty();
    assertThat(response.sslSession()).isEmpty();
    assertThat(mesh.recorded).containsExactly("418 ROUTE 418");
    assertThat(mesh.hits).as("nothing sent").hasValue(0);
  }

  @Test
  void aDelayedAbortIsGivenAfterTheDelayWithoutHoldingTheCallersThread() throws Exception {
    AtomicReference<Thread> readOn = new AtomicReference<>();
    HttpResponse.BodyHandler<String> handler = info -> {
      readOn.set(Thread.currentThread());
      return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    };
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> pending = client.sendAsync(get("/late-abort"), handler);
    HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

    assertThat((System.nanoTime() - start) / 1_000_000).as("the fault's delay, then the abort")
        .isGreaterThanOrEqualTo(300);
    assertThat(readOn.get()).as("answered on a timer, not on the caller's thread")
        .isNotNull().isNotSameAs(Thread.currentThread());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue(InboardInterceptor.REASON_HEADER)).hasValue("fault injected");
    assertThat(mesh.recorded).containsExactly("503 ROUTE 503");
  }

  @Test
  void noInstanceAndNoRouteAreReadThroughAnyBodyHandler() throws Exception {
    HttpResponse<InputStream> noInstance = send("/v3/list", HttpResponse.BodyHandlers.ofInputStream());
    assertThat(noInstance.statusCode()).isEqualTo(503);
    assertThat(noInstance.headers().firstValue(InboardInterceptor.REASON_HEADER)).isPresent()
        .hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
    try (InputStream in = noInstance.body()) {
      assertThat(in.readAllBytes()).isEmpty();
    }

    HttpResponse<Stream<String>> noRoute = send("/nowhere", HttpResponse.BodyHandlers.ofLines());
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.body()).isEmpty();

    HttpResponse<Void> discarded = send("/nowhere", HttpResponse.BodyHandlers.discarding());
    assertThat(discarded.statusCode()).isEqualTo(404);
    assertThat(discarded.body()).isNull();
    assertThat(mesh.recorded).containsExactly("503 NO_INSTANCE 0", "404 NO_ROUTE 0", "404 NO_ROUTE 0");
    assertThat(mesh.hits).hasValue(0);
  }

  @Test
  void directResponsesGiveTheirBodyToEveryKindOfHandler() throws Exception {
    HttpResponse<String> maintenance = send("/maintenance", HttpResponse.BodyHandlers.ofString());
    assertThat(maintenance.statusCode()).isEqualTo(503);
    assertThat(maintenance.body()).isEqualTo("down for maintenance");
    assertThat(maintenance.headers().firstValueAsLong("content-length")).hasValue("down for maintenance".length());

    HttpResponse<byte[]> bytes = send("/hello", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(new String(bytes.body(), StandardCharsets.UTF_8)).isEqualTo("hello from the mesh");

    HttpResponse<Stream<String>> lines = send("/hello", HttpResponse.BodyHandlers.ofLines());
    assertThat(lines.body().collect(Collectors.toList())).containsExactly("hello from the mesh");

    HttpResponse<Flow.Publisher<List<ByteBuffer>>> published = send("/hello", HttpResponse.BodyHandlers.ofPublisher());
    assertThat(read(published.body())).isEqualTo("hello from the mesh");

    // The application's own handler sees the status and headers before the body, as with a server.
    HttpResponse.BodyHandler<String> own = info -> HttpResponse.BodySubscribers.mapping(
        HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
        text -> info.statusCode() + " " + info.headers().firstValue("content-type").orElse("?") + " " + text);
    assertThat(send("/hello", own).body()).isEqualTo("200 text/plain; charset=utf-8 hello from the mesh");
    assertThat(mesh.recorded).hasSize(5).allMatch(line -> line.endsWith("DIRECT_RESPONSE 0"));
    assertThat(mesh.hits).hasValue(0);
  }

  /** Everything a body publisher gives, as text. */
  private static String read(Flow.Publisher<List<ByteBuffer>> publisher) throws Exception {
    CompletableFuture<String> text = new CompletableFuture<>();
    publisher.subscribe(new Flow.Subscriber<>() {
      private final StringBuilder read = new StringBuilder();

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        buffers.forEach(buffer -> read.append(StandardCharsets.UTF_8.decode(buffer)));
      }

      @Override
      public void onError(Throwable failure) {
        text.completeExceptionally(failure);
      }

      @Override
      public void onComplete() {
        text.complete(read.toString());
      }
    });
    return text.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRedirectIsGivenToAClientThatDoesNotFollowRedirects() throws Exception {
    WovenJdkClient notFollowing = new WovenJdkClient(calls,
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());
    HttpResponse<String> old = notFollowing.sendAsync(get("/old?page=2"), HttpResponse.BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS);
    assertThat(old.statusCode()).isEqualTo(301);
    assertThat(old.headers().firstValue("location")).hasValue("http://user/new?page=2");
    assertThat(old.body()).isEmpty();
    assertThat(old.previousResponse()).isEmpty();
    assertThat(mesh.recorded).containsExactly("301 REDIRECT 0");
    assertThat(mesh.hits).hasValue(0);
  }

  @Test
  void everyAnswerCarriesTheStatusHeadersAndBodyOfOkHttpsSyntheticResponse() throws Exception {
    // Neither follows the redirect: the JDK client's default is NEVER, OkHttp's is to follow.
    OkHttpClient okhttp =
        new OkHttpClient.Builder().addInterceptor(new InboardInterceptor(calls)).followRedirects(false).build();
    for (String path : List.of("/abort", "/maintenance", "/hello", "/old?page=2", "/v3/x", "/nowhere")) {
      HttpResponse<String> jdk = send(path, HttpResponse.BodyHandlers.ofString());
      try (Response response = okhttp.newCall(new Request.Builder().url("http://user" + path).build()).execute()) {
        assertThat(jdk.statusCode()).as(path).isEqualTo(response.code());
        for (String name : List.of(InboardInterceptor.REASON_HEADER, "content-type", "content-length", "location")) {
          assertThat(jdk.headers().firstValue(name).orElse(null)).as(path + " " + name).isEqualTo(response.header(name));
        }
        assertThat(jdk.body()).as(path).isEqualTo(response.body().string());
      }
    }
    assertThat(mesh.hits).hasValue(0);
  }

  @Test
  void aHandlerThatFailsOnTheAnswerFallsBackToTheMeshsRefusal() throws Exception {
    HttpResponse.BodyHandler<String> failing = info -> {
      throw new IllegalStateException("no handler for " + info.statusCode());
    };
    Throwable failure = catchThrowable(() -> send("/abort", failing));
    assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RefusedCall.class)
        .hasMessageContaining("inboard answered 418 for user")
        .hasMessageContaining("fault injected");
    assertThat(((RefusedCall) failure.getCause()).status()).isEqualTo(418);
    assertThat(failure.getCause().getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class);
    assertThat(mesh.recorded).as("recorded once").containsExactly("418 ROUTE 418");
  }

  @Test
  void withoutTheApplicationsBodyHandlerTheCallIsRefusedAsBefore() {
    Object token = new JdkHttpRouting(calls).request(get("/nowhere"));
    assertThat(token).isInstanceOf(RefusedCall.class);
    assertThat(((RefusedCall) token).status()).isEqualTo(404);
  }
}
