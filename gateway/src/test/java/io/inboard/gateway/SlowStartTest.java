package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.controlplane.StandaloneRulesFile;
import io.inboard.core.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow start at the gateway, against real upstreams on 127.0.0.1: an instance that joins the
 * destination while the gateway runs gets few requests at first, then its full share once its
 * warm-up is over. The gateway's slow-start clock is the test's, so the ramp does not depend on
 * how fast a loaded machine sends the requests.
 */
class SlowStartTest {
  private static final String HOST = UserServiceMesh.HOST;
  private static final long SECOND = 1_000_000_000L;
  private static final int REQUESTS = 400;

  @TempDir Path dir;

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

  /** Hands the snapshots the test writes to the gateway, on the test's thread. */
  private static final class TestSource implements SnapshotSource {
    private Consumer<Snapshot> sink;

    @Override
    public void start(Consumer<Snapshot> sink) {
      this.sink = sink;
    }

    @Override
    public String describe() {
      return "test";
    }

    @Override
    public void close() {}
  }

  private void push(TestSource source, long revision, String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh-" + revision + ".yaml"), yaml);
    source.sink.accept(StandaloneRulesFile.read(file, revision).snapshot());
  }

  private static String instances(List<EchoUpstream> upstreams) {
    StringBuilder out = new StringBuilder();
    for (EchoUpstream u : upstreams) {
      out.append(UserServiceMesh.instance(u.id, u.port()));
    }
    return out.toString();
  }

  /** How many of {@link #REQUESTS} requests {@code upstream} answered. */
  private static int share(TestClient client, EchoUpstream upstream) throws Exception {
    int before = upstream.requests.get();
    for (int i = 0; i < REQUESTS; i++) {
      ContentResponse r = client.get(HOST, "/");
      assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
    }
    return upstream.requests.get() - before;
  }

  /** The bounds five standard deviations around the count a weight {@code factor} beside three full ones gets. */
  private static long[] expected(double factor) {
    double p = factor / (3 + factor);
    double sigma = Math.sqrt(REQUESTS * p * (1 - p));
    return new long[] {(long) Math.floor(REQUESTS * p - 5 * sigma), (long) Math.ceil(REQUESTS * p + 5 * sigma)};
  }

  @Test
  void anInstanceThatJoinsGetsFewRequestsAtFirstAndItsFullShareOnceWarm() throws Exception {
    try (EchoUpstream a = new EchoUpstream("user-a", Map.of("app", "user"));
        EchoUpstream b = new EchoUpstream("user-b", Map.of("app", "user"));
        EchoUpstream c = new EchoUpstream("user-c", Map.of("app", "user"));
        EchoUpstream d = new EchoUpstream("user-d", Map.of("app", "user"))) {
      String rules = UserServiceMesh.rules("{attempts: 0}",
          "{loadBalancer: {simple: ROUND_ROBIN, warmup: {duration: 60s}}}");
      TestSource source = new TestSource();
      GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, dir.resolve("unused.yaml"),
          Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
      try (InboardGateway gw = InboardGateway.start(settings, source, clock::get);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        // The instances the gateway finds at first are not warmed up: round robin gives each a third.
        push(source, 1, rules + instances(List.of(a, b, c)));
        assertThat(share(client, a)).isEqualTo(REQUESTS / 3 + (REQUESTS % 3 > 0 ? 1 : 0));

        push(source, 2, rules + instances(List.of(a, b, c, d)));
        long[] atFirst = expected(0.1);
        assertThat((long) share(client, d)).as("10%% of its weight at first").isBetween(atFirst[0], atFirst[1])
            .isLessThan(REQUESTS / 8);
        String explained = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
        assertThat(explained).contains("slow start: user-d at 10.0% of its weight (0 ms of its 60000 ms warm-up)");

        clock.addAndGet(30 * SECOND);
        long[] halfway = expected(0.5);
        assertThat((long) share(client, d)).as("half its weight after 30 s of 60").isBetween(halfway[0], halfway[1]);

        clock.addAndGet(30 * SECOND);
        assertThat(share(client, d)).as("warm: every fourth request").isEqualTo(REQUESTS / 4);
      }
    }
  }
}
