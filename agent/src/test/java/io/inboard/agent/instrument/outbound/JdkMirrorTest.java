package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules' mirrors of {@code java.net.http} calls, through a real client (used as the woven client
 * uses it) to real servers on 127.0.0.1, routed by the real router.
 */
class JdkMirrorTest {
  @TempDir Path dir;
  private final MirrorFixture mesh = new MirrorFixture();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://user" + path)).build();
  }

  private static HttpRequest post(String path, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create("http://user" + path)).POST(body).build();
  }

  private WovenJdkClient woven(MeshRouting routing) {
    return new WovenJdkClient(new MeshCalls(routing), client);
  }

  @Test
  void theCopyGoesToTheMirrorInstanceWithTheShadowHostAndTheRoutedRequestsHeaders() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    PropagationContext context = PropagationContext.of(
        Map.of("my-header", List.of("alice"), "x-request-id", List.of("req-1")));

    HttpResponse<String> response;
    try (Scope ignored = PropagationContext.attach(context)) {
      response = woven(routing).send(get("/v1/list?page=2"));
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).as("the application gets the routed destination's answer").isEqualTo("user-v1 answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    Seen copy = mesh.v2.seen.get(0);
    assertThat(copy.method()).isEqualTo("GET");
    assertThat(copy.pathAndQuery()).as("the routed request's rewritten path").isEqualTo("/api/list?page=2");
    assertThat(copy.header("Host")).isEqualTo("user-shadow");
    assertThat(mesh.v1.seen.get(0).header("Host")).isEqualTo("user");
    assertThat(copy.header("my-header")).isEqualTo("alice");
    assertThat(copy.header("x-request-id")).isEqualTo("req-1");
    assertThat(copy.header("x-route")).as("the rule's header operations").isEqualTo("main");
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 1);
    assertThat(routing.failures).isEmpty();
  }

  @Test
  void aSlowMirrorDoesNotDelayTheCall() throws Exception {
    mesh.v2.delayMillis = 3000;
    WovenJdkClient woven = woven(mesh.routing(dir, 1));

    long start = System.nanoTime();
    HttpResponse<String> response = woven.send(get("/v1/slow-mirror"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(response.body()).isEqualTo("user-v1 answer");
    assertThat(millis).as("the call did not wait for its 3 s mirror").isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
  }

  @Test
  void aMirrorThatRefusesConnectionsDoesNotFailTheCall() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1, MirrorFixture.closedPort());

    assertThat(woven(routing).send(get("/v1/dead-mirror")).body()).isEqualTo("user-v1 answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.FAILED) == 1);
    assertThat(routing.failures).as("a mirror's failure is not the agent's").isEmpty();
  }

  @Test
  void aZeroPercentageMirrorsNothing() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    WovenJdkClient woven = woven(routing);

    for (int i = 0; i < 50; i++) {
      woven.send(get("/none"));
      woven.send(get("/none-deprecated"));
    }
    woven.send(get("/v1/last")); // mirrored: once its copy is in, any earlier one would be too

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 1);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/last");
    assertThat(routing.decidedMirrors).hasValue(1);
  }

  @Test
  void anArrayBodyIsCopiedAndAStreamedOneIsNot() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    WovenJdkClient woven = woven(routing);

    woven.send(post("/v1/orders", HttpRequest.BodyPublishers.ofString("order 42")));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).method()).isEqualTo("POST");
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");

    byte[] streamed = "streamed once".getBytes(StandardCharsets.UTF_8);
    woven.send(post("/v1/stream", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(streamed))));
    woven.send(post("/v1/large", HttpRequest.BodyPublishers.ofByteArray(new byte[(int) Mirrors.MAX_BODY_BYTES + 1])));

    assertThat(routing.mirrors(MirrorResult.BODY)).isEqualTo(2);
    assertThat(mesh.v1.seen).extracting(Seen::body).contains("streamed once");
    woven.send(get("/v1/last"));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 2);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/orders", "/api/last");
  }

  @Test
  void copiesBeyondTheLimitInFlightAreDroppedNotQueued() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    mesh.v2.gate = new CountDownLatch(1);
    MeshCalls calls = new MeshCalls(routing, 2);
    WovenJdkClient woven = new WovenJdkClient(calls, client);

    for (int i = 0; i < 5; i++) {
      assertThat(woven.send(get("/v1/held-" + i)).body()).isEqualTo("user-v1 answer");
    }

    assertThat(routing.mirrors(MirrorResult.DROPPED)).isEqualTo(3);
    assertThat(calls.mirrors().inFlight()).isEqualTo(2);
    mesh.v2.gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 2);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactlyInAnyOrder("/api/held-0", "/api/held-1");
    assertThat(calls.mirrors().inFlight()).isZero();
  }
}
