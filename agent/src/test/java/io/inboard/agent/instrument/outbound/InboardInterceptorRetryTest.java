package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.instrument.outbound.RetryFixture.closedPort;
import static io.inboard.agent.instrument.outbound.RetryFixture.istioDefault;
import static io.inboard.agent.instrument.outbound.RetryFixture.routeTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor's retries against real servers on 127.0.0.1, through a real OkHttp client: the
 * router is scripted, the network is not.
 */
class InboardInterceptorRetryTest {
  private final RetryFixture mesh = new RetryFixture();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static OkHttpClient client(ScriptedRouting routing) {
    return new OkHttpClient.Builder()
        .addInterceptor(new InboardInterceptor(new MeshCalls(routing)))
        .readTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private static Request get() {
    return new Request.Builder().url("http://user/list").build();
  }

  @Test
  void a503IsRetriedOnAnotherInstanceOfTheDestination() throws IOException {
    AtomicInteger aHits = new AtomicInteger();
    AtomicInteger bHits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, aHits);
    Instance b = mesh.server("user-b", 200, 0, bHits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null), routeTo(b, istioDefault(), null));

    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("user-b");
    }
    assertThat(aHits).hasValue(1);
    assertThat(bHits).hasValue(1);
    assertThat(routing.recorded).as("one record per call, with the try that answered").containsExactly("user-b 200");
    assertThat(routing.inFlight).hasValue(0);
  }

  @Test
  void aRetryPicksAgainWithItsHostSelectionAttemptUntilAnInstanceNotTriedYet() throws IOException {
    // As a consistent-hash route answers: the same instance until the pick's attempt moves it on.
    AtomicInteger aHits = new AtomicInteger();
    AtomicInteger bHits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, aHits);
    Instance b = mesh.server("user-b", 200, 0, bHits);
    Decision.Retries retries = istioDefault();
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, retries, null), routeTo(a, retries, null),
        routeTo(a, retries, null), routeTo(b, retries, null));

    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(aHits).hasValue(1);
    assertThat(routing.attempts).as("the call's decision, then the retry's three picks").containsExactly(0, 0, 1, 2);
  }

  @Test
  void aRetryWaitsAtLeastHalfTheRulesBackoff() throws IOException {
    Instance down = closedPort("user-down");
    Instance b = mesh.server("user-b", 200, 0, new AtomicInteger());
    Decision.Retries slow = new Decision.Retries(2, null, List.of("connect-failure"), Duration.ofMillis(400));
    ScriptedRouting routing = new ScriptedRouting(routeTo(down, slow, null), routeTo(b, slow, null));

    long start = System.nanoTime();
    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    // The first retry waits between half the base and the base (jitter): 200-400 ms here, where
    // Envoy's default would have been at most 25 ms.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aRefusedConnectionIsRetried() throws IOException {
    AtomicInteger bHits = new AtomicInteger();
    Instance down = closedPort("user-down");
    Instance b = mesh.server("user-b", 200, 0, bHits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(down, istioDefault(), null), routeTo(b, istioDefault(), null));

    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(bHits).hasValue(1);
    assertThat(routing.recorded).containsExactly("user-b 200");
  }

  @Test
  void retriesStopAtTheRulesAttemptsAndTheLastAnswerReachesTheApplication() throws IOException {
    AtomicInteger hits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, hits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null));

    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.body().string()).isEqualTo("user-a");
    }
    assertThat(hits).as("the first try and two retries").hasValue(3);
    assertThat(routing.recorded).containsExactly("user-a 503");
  }

  @Test
  void aConnectFailureThatIsNotRetriedReachesTheApplicationAsItWas() throws IOException {
    Instance down = closedPort("user-down");
    ScriptedRouting routing = new ScriptedRouting(routeTo(down, new Decision.Retries(0, null, List.of()), null));

    assertThatThrownBy(() -> client(routing).newCall(get()).execute()).isInstanceOf(ConnectException.class);
    assertThat(routing.recorded).containsExactly("user-down 0");
    assertThat(routing.inFlight).hasValue(0);
  }

  @Test
  void aRequestWithABodyOrANonIdempotentMethodIsSentOnce() throws IOException {
    AtomicInteger hits = new AtomicInteger();
    Instance a = mesh.server("user-a", 503, 0, hits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(a, istioDefault(), null));
    RequestBody body = RequestBody.create("{}", MediaType.get("application/json"));

    try (Response post = client(routing).newCall(new Request.Builder().url("http://user/list").post(body).build()).execute()) {
      assertThat(post.code()).isEqualTo(503);
    }
    try (Response put = client(routing).newCall(new Request.Builder().url("http://user/list").put(body).build()).execute()) {
      assertThat(put.code()).isEqualTo(503);
    }
    assertThat(hits).hasValue(2);
  }

  @Test
  void aSlowTryIsCutAtThePerTryTimeoutAndRetried() throws IOException {
    AtomicInteger slowHits = new AtomicInteger();
    AtomicInteger fastHits = new AtomicInteger();
    Instance slow = mesh.server("user-slow", 200, 3_000, slowHits);
    Instance fast = mesh.server("user-fast", 200, 0, fastHits);
    Decision.Retries retries = new Decision.Retries(2, Duration.ofMillis(200), List.of("gateway-error"));
    ScriptedRouting routing = new ScriptedRouting(routeTo(slow, retries, null), routeTo(fast, retries, null));

    long start = System.nanoTime();
    try (Response response = client(routing).newCall(get()).execute()) {
      assertThat(response.body().string()).isEqualTo("user-fast");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    assertThat(slowHits).hasValue(1);
  }

  @Test
  void noRetryAfterTheRouteTimeoutHasPassed() throws IOException {
    AtomicInteger slowHits = new AtomicInteger();
    Instance slow = mesh.server("user-slow", 200, 3_000, slowHits);
    Decision.Retries retries = new Decision.Retries(5, Duration.ofMillis(200), List.of("5xx"));
    ScriptedRouting routing = new ScriptedRouting(routeTo(slow, retries, Duration.ofMillis(500)));

    long start = System.nanoTime();
    assertThatThrownBy(() -> client(routing).newCall(get()).execute()).isInstanceOf(SocketTimeoutException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("tries of 200 ms within the route's 500 ms").isLessThan(Duration.ofMillis(1_500));
    assertThat(slowHits.get()).as("at most the tries that fit in 500 ms").isBetween(2, 3);
  }

  @Test
  void failureClassesFollowRetryOnsNames() {
    assertThat(MeshCalls.failureOf(new ConnectException("Failed to connect")))
        .isEqualTo(io.inboard.core.route.RetryPolicy.Failure.CONNECT);
    assertThat(MeshCalls.failureOf(new SocketTimeoutException("Connect timed out")))
        .isEqualTo(io.inboard.core.route.RetryPolicy.Failure.CONNECT);
    assertThat(MeshCalls.failureOf(new SocketTimeoutException("timeout")))
        .isEqualTo(io.inboard.core.route.RetryPolicy.Failure.PER_TRY_TIMEOUT);
    assertThat(MeshCalls.failureOf(new IOException("unexpected end of stream")))
        .isEqualTo(io.inboard.core.route.RetryPolicy.Failure.RESET);
  }
}
