package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime against a config server speaking the REST contract (an in-test JDK HTTP server). */
class ControlPlaneTest {
  @TempDir Path dir;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private AgentRuntime runtime(String args) {
    AgentRuntime runtime = AgentRuntime.startDetached(AgentOptions.parse(args, Map.of(), Map.of()));
    closing.add(0, runtime::stop);
    return runtime;
  }

  private FakeConfigServer server() throws Exception {
    FakeConfigServer server = new FakeConfigServer();
    closing.add(server);
    return server;
  }

  /** A server that accepts connections and never answers (hung, or overloaded); closed after the test. */
  private ServerSocket silentServer() throws IOException {
    ServerSocket silent = new ServerSocket(0);
    List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(silent.accept());
        }
      } catch (Exception e) {
        // closed
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    closing.add(silent);
    return silent;
  }

  @Test
  void registersWithItsIdentityAndRenewsTheLease() throws Exception {
    FakeConfigServer server = server();
    runtime("server=" + server.url() + ",service=user,namespace=traffic-management,labels=version=v1,app=user,"
        + "address=127.0.0.1,port=8081,lease-ttl=3s,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(20)).until(() -> server.calls("PUT").size() >= 2);
    FakeConfigServer.Call put = server.calls("PUT").get(0);
    assertThat(put.path()).matches("/v1/namespaces/traffic-management/instances/user-[a-z0-9-]+");
    assertThat(put.body())
        .contains("\"service\":\"user\"", "\"address\":\"127.0.0.1\"", "\"port\":8081", "\"ttlSeconds\":3")
        .contains("\"version\":\"v1\"", "\"app\":\"user\"");
  }

  @Test
  void waitsForTheContainersPortBeforeRegistering() throws Exception {
    FakeConfigServer server = server();
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=user,address=127.0.0.1,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.calls("GET").size() >= 1);
    assertThat(server.calls("PUT")).isEmpty();
    runtime.onServerPort(43210);
    await().atMost(Duration.ofSeconds(20)).until(() -> !server.calls("PUT").isEmpty());
    assertThat(server.calls("PUT").get(0).body()).contains("\"port\":43210");
  }

  @Test
  void appliesEachNewSnapshotAndKeepsItOnDisk() throws Exception {
    FakeConfigServer server = server();
    server.publish(MeshFixtures.content(dir, "10-canary.yaml", 5));
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=frontend,cache-dir=" + dir.resolve("cache"));

    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.snapshot().revision() == 5);
    Decision canary = runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
    assertThat(canary.outcome()).isEqualTo(Decision.Outcome.ROUTE);

    server.publish(MeshFixtures.content(dir, "40-dark-release.yaml", 6));
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.snapshot().revision() == 6);
    for (int i = 0; i < 20; i++) {
      assertThat(runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev"))).instance().labels())
          .containsEntry("version", "v2");
    }
    assertThat(runtime.propagatedHeaders()).contains("mode", "x-request-id");
    Path cached = dir.resolve("cache").resolve(SnapshotCache.FILE);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(cached) && SnapshotWire.decode(Files.readAllBytes(cached)).revision() == 6);
  }

  @Test
  void startsFromTheCachedSnapshotWhenTheServerIsDown() throws Exception {
    SnapshotWire.Content cachedContent = MeshFixtures.content(dir, "40-dark-release.yaml", 17);
    new SnapshotCache(dir.resolve("cache")).write(cachedContent.toJson());
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AgentRuntime runtime =
        runtime("server=http://127.0.0.1:" + closedPort + ",service=frontend,first-snapshot-wait=60s,cache-dir=" + dir.resolve("cache"));
    // The first outbound call waits (bounded) for the cache to be loaded, then routes by it.
    Decision decision = runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
    assertThat(runtime.snapshot().revision()).isEqualTo(17);
    assertThat(runtime.state().peek().origin()).isEqualTo("cache");
    assertThat(decision.instance().labels()).containsEntry("version", "v2");
  }

  @Test
  void routingGoesOnWithTheLastSnapshotWhenTheServerGoesAway() throws Exception {
    FakeConfigServer server = new FakeConfigServer();
    server.publish(MeshFixtures.content(dir, "40-dark-release.yaml", 3));
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=frontend,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.snapshot().revision() == 3);
    server.close();
    Thread.sleep(500); // the watch fails and backs off meanwhile
    assertThat(runtime.snapshot().revision()).isEqualTo(3);
    assertThat(runtime.router().route(MeshFixtures.userCall(Map.of())).instance().labels())
        .containsEntry("version", "v1");
  }

  @Test
  void theFirstSnapshotWaitIsBoundedThenCallsPassThrough() throws Exception {
    ServerSocket silent = silentServer();
    AgentRuntime runtime = runtime("server=http://127.0.0.1:" + silent.getLocalPort()
        + ",service=frontend,first-snapshot-wait=300ms,cache-dir=" + dir);

    long start = System.nanoTime();
    Decision decision = runtime.router().route(MeshFixtures.userCall(Map.of()));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PASSTHROUGH);
    assertThat(waitedMillis).isBetween(250L, 10_000L);

    long again = System.nanoTime();
    runtime.router();
    assertThat((System.nanoTime() - again) / 1_000_000).as("later calls do not wait again").isLessThan(250);
  }

  @Test
  void aPortDetectedAfterThePortWaitIsStillRegistered() throws Exception {
    FakeConfigServer server = server();
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=user,address=127.0.0.1,port-wait=500ms,cache-dir=" + dir);
    // The container opens its port after port-wait has run out (an application slow to start), while
    // the watch that followed giving up is long-polling.
    await().atMost(Duration.ofSeconds(10)).until(() -> !runtime.willRegister() && server.calls("GET").size() >= 3);
    Thread.sleep(200);
    runtime.onServerPort(43210);
    // The long poll in progress need not end first.
    await().atMost(Duration.ofSeconds(5)).until(() -> !server.calls("PUT").isEmpty());
    assertThat(server.calls("PUT").get(0).body()).contains("\"port\":43210");
  }

  @Test
  void registersAgainAtOnceWhenTheServerRestartsBehindTheSameAddress() throws Exception {
    FakeConfigServer server = server();
    server.publish(new SnapshotWire.Content(5, List.of(), List.of()));
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=user,port=8081,address=127.0.0.1,"
        + "lease-ttl=30s,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.calls("PUT").isEmpty() && runtime.snapshot().revision() == 5);
    Thread.sleep(300); // the watch is long-polling on its kept-alive connection
    int puts = server.calls("PUT").size();

    // A fresh server that lost its data: it starts again at revision 1 and knows no lease. The next
    // renewal is 10 s away; until the agent registers again, no caller can reach this instance.
    server.restart(new SnapshotWire.Content(1, List.of(), List.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> runtime.snapshot().revision() == 1);
    await().atMost(Duration.ofSeconds(3)).until(() -> server.calls("PUT").size() > puts);
  }

  @Test
  void registersAgainAtOnceWhenItsInstanceIsMissingFromANewerSnapshot() throws Exception {
    FakeConfigServer server = server();
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=user,namespace=shop,port=8081,address=127.0.0.1,"
        + "lease-ttl=30s,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.calls("PUT").isEmpty());
    Instance self = new Instance(runtime.instanceId(), "user", "shop", "127.0.0.1", 8081, Map.of());
    server.publish(new SnapshotWire.Content(7, List.of(), List.of(self)));
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.snapshot().revision() == 7);
    Thread.sleep(300);
    int puts = server.calls("PUT").size();
    assertThat(puts).as("listed: nothing to do before the renewal").isEqualTo(1);

    // The server restarted with its data (a higher revision) but without its leases.
    server.restart(new SnapshotWire.Content(8, List.of(), List.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> runtime.snapshot().revision() == 8);
    await().atMost(Duration.ofSeconds(3)).until(() -> server.calls("PUT").size() > puts);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersDoesNotKeepTheCachedSnapshotOutOfForce() throws Exception {
    new SnapshotCache(dir.resolve("cache")).write(MeshFixtures.content(dir, "40-dark-release.yaml", 17).toJson());
    ServerSocket silent = silentServer();
    AgentRuntime runtime = runtime("server=http://127.0.0.1:" + silent.getLocalPort()
        + ",service=frontend,port=8081,first-snapshot-wait=5s,cache-dir=" + dir.resolve("cache"));

    // The first outbound call waits up to first-snapshot-wait; the first attempt must have failed by
    // then (a hung server is no better than a down one), and the cache be in force.
    Decision decision = runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
    assertThat(runtime.state().peek().origin()).isEqualTo("cache");
    assertThat(decision.instance().labels()).containsEntry("version", "v2");
  }

  @Test
  void deregistersOnShutdown() throws Exception {
    FakeConfigServer server = server();
    AgentRuntime runtime = runtime("server=" + server.url() + ",service=user,port=8081,address=127.0.0.1,cache-dir=" + dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.calls("PUT").isEmpty());
    String path = server.calls("PUT").get(0).path();
    runtime.stop();
    // What the shutdown hook runs:
    runtime.controlPlaneForTest().deregister();
    assertThat(server.calls("DELETE")).extracting(FakeConfigServer.Call::path).containsExactly(path);
  }
}
