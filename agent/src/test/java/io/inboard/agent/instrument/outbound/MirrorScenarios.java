package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
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
 * The mirror scenarios every client passes, written once: a subclass says how its client makes a
 * call. Real clients, real servers on 127.0.0.1 ({@link MirrorFixture}), the real router.
 */
abstract class MirrorScenarios {
  @TempDir Path dir;
  final MirrorFixture mesh = new MirrorFixture();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  /** {@code GET http://user<path>} through the client under test, routed by {@code calls}: "status body". */
  abstract String get(MeshCalls calls, String path) throws Exception;

  @Test
  void theCopyGoesToTheMirrorInstanceWithTheShadowHostAndTheRoutedRequestsHeaders() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    PropagationContext context = PropagationContext.of(
        Map.of("my-header", List.of("alice"), "x-request-id", List.of("req-1")));

    String answer;
    try (Scope ignored = PropagationContext.attach(context)) {
      answer = get(new MeshCalls(routing), "/v1/list?page=2");
    }

    assertThat(answer).as("the application gets the routed destination's answer").isEqualTo("200 user-v1 answer");
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
  void everyMirrorOfTheRuleGetsItsOwnCopy() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);

    assertThat(get(new MeshCalls(routing), "/both/list?page=2")).isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1 && mesh.v4.seen.size() == 1);
    for (MirrorFixture.Recorder mirror : List.of(mesh.v2, mesh.v4)) {
      Seen copy = mirror.seen.get(0);
      assertThat(copy.pathAndQuery()).isEqualTo("/both/list?page=2");
      assertThat(copy.header("Host")).isEqualTo("user-shadow");
    }
    assertThat(mesh.v1.seen).as("the call itself went once").hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 2);
    assertThat(routing.mirrors(MirrorResult.NO_INSTANCE)).as("the third mirror's subset has no instance").isEqualTo(1);
    assertThat(routing.failures).isEmpty();
  }

  @Test
  void aSlowMirrorDoesNotDelayTheCall() throws Exception {
    mesh.v2.delayMillis = 3000;
    MeshCalls calls = new MeshCalls(mesh.routing(dir, 1));

    long start = System.nanoTime();
    String answer = get(calls, "/v1/slow-mirror");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(answer).isEqualTo("200 user-v1 answer");
    assertThat(millis).as("the call did not wait for its 3 s mirror").isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
  }

  @Test
  void aMirrorThatRefusesConnectionsDoesNotFailTheCall() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1, MirrorFixture.closedPort());

    assertThat(get(new MeshCalls(routing), "/v1/dead-mirror")).isEqualTo("200 user-v1 answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.FAILED) == 1);
    assertThat(routing.failures).as("a mirror's failure is not the agent's").isEmpty();
  }

  @Test
  void aMirrorDestinationWithoutInstancesIsCountedAndTheCallGoesOn() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);

    assertThat(get(new MeshCalls(routing), "/nowhere")).isEqualTo("200 user-v1 answer");
    assertThat(routing.mirrors(MirrorResult.NO_INSTANCE)).isEqualTo(1);
  }

  @Test
  void aZeroPercentageMirrorsNothing() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    MeshCalls calls = new MeshCalls(routing);

    for (int i = 0; i < 50; i++) {
      get(calls, "/none");
      get(calls, "/none-deprecated");
    }
    get(calls, "/v1/last"); // mirrored: once its copy is in, any earlier one would be too

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 1);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/last");
    assertThat(routing.decidedMirrors).hasValue(1);
  }

  @Test
  void copiesBeyondTheLimitInFlightAreDroppedNotQueued() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    mesh.v2.gate = new CountDownLatch(1);
    MeshCalls calls = new MeshCalls(routing, 2);

    for (int i = 0; i < 5; i++) {
      assertThat(get(calls, "/v1/held-" + i)).isEqualTo("200 user-v1 answer");
    }

    assertThat(routing.mirrors(MirrorResult.DROPPED)).isEqualTo(3);
    assertThat(calls.mirrors().inFlight()).isEqualTo(2);
    mesh.v2.gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> routing.mirrors(MirrorResult.ANSWERED) == 2);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactlyInAnyOrder("/api/held-0", "/api/held-1");
    assertThat(calls.mirrors().inFlight()).isZero();
  }
}
