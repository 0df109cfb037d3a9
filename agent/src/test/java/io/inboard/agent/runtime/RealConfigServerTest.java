package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.controlplane.ConfigServerClient;
import io.inboard.core.route.Decision;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime against the real config server jar: registration and lease, rule changes, the server
 * stopped and restarted, and an agent started while the server is down.
 */
class RealConfigServerTest {
  @TempDir Path dir;

  private static long instancesOf(ConfigServerClient client, String id) throws Exception {
    JsonNode list = client.instances("traffic-management", "frontend");
    long n = 0;
    for (JsonNode i : list.path("items")) {
      if (id.equals(i.path("id").asText())) {
        n++;
      }
    }
    return n;
  }

  private static void registerUsers(ConfigServerClient client) throws Exception {
    client.register(new io.inboard.core.mesh.Instance("user-v1", "user", "traffic-management", "127.0.0.1", 18081,
        Map.of("app", "user", "version", "v1")), Duration.ofSeconds(300));
    client.register(new io.inboard.core.mesh.Instance("user-v2", "user", "traffic-management", "127.0.0.1", 18082,
        Map.of("app", "user", "version", "v2")), Duration.ofSeconds(300));
  }

  @Test
  void registersFollowsRuleChangesAndRidesOutAServerRestart() throws Exception {
    Path data = dir.resolve("data");
    ConfigServerProcess server = ConfigServerProcess.start(data, 0);
    int port = server.port;
    AgentRuntime runtime = null;
    try {
      ConfigServerClient control = new ConfigServerClient(URI.create(server.url), null);
      control.apply(MeshFixtures.scenario("00-gateway.yaml") + "\n---\n" + MeshFixtures.scenario("40-dark-release.yaml"));
      registerUsers(control);

      runtime = AgentRuntime.startDetached(AgentOptions.parse(
          "server=" + server.url + ",service=frontend,namespace=traffic-management,labels=version=v1,"
              + "address=127.0.0.1,port=19090,lease-ttl=6s,cache-dir=" + dir.resolve("cache"), Map.of(), Map.of()));
      AgentRuntime agent = runtime;

      // Registered under its identity.
      await().atMost(Duration.ofSeconds(20)).until(() -> instancesOf(control, agent.instanceId()) == 1);
      // Routing by the dark release (once its snapshot is in force; a busy machine may take a while).
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.snapshot().instances().size() >= 2);
      assertThat(agent.router().route(MeshFixtures.userCall(Map.of("mode", "dev"))).instance().id()).isEqualTo("user-v2");
      assertThat(agent.router().route(MeshFixtures.userCall(Map.of())).instance().id()).isEqualTo("user-v1");

      // A rule change reaches it.
      long revision = control.apply(MeshFixtures.scenario("20-consistent-hash.yaml")).path("revision").asLong();
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.snapshot().revision() >= revision);
      Decision sticky = agent.router().route(MeshFixtures.userCall(Map.of("my-header", "alice")));
      assertThat(sticky.hashKey()).contains("my-header");

      // The server goes away: routing goes on with the same snapshot.
      server.close();
      Thread.sleep(1000);
      assertThat(agent.snapshot().revision()).isGreaterThanOrEqualTo(revision);
      assertThat(agent.router().route(MeshFixtures.userCall(Map.of("my-header", "alice"))).instance().id())
          .isEqualTo(sticky.instance().id());

      // It comes back (same port, same data): the agent re-registers and picks up new changes.
      server = ConfigServerProcess.start(data, port);
      ConfigServerClient again = new ConfigServerClient(URI.create(server.url), null);
      // Leases live in the server's memory: the user instances register again, as their agents would.
      registerUsers(again);
      await().atMost(Duration.ofSeconds(30)).until(() -> instancesOf(again, agent.instanceId()) == 1);
      long next = again.apply(MeshFixtures.scenario("40-dark-release.yaml")).path("revision").asLong();
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.snapshot().revision() >= next);
      assertThat(agent.router().route(MeshFixtures.userCall(Map.of("mode", "dev"))).instance().labels())
          .containsEntry("version", "v2");
    } finally {
      if (runtime != null) {
        runtime.stop();
      }
      server.close();
    }
  }

  @Test
  void anAgentStartedWhileTheServerIsDownRoutesFromItsCache() throws Exception {
    Path cache = dir.resolve("cache");
    int port;
    try (ConfigServerProcess server = ConfigServerProcess.start(dir.resolve("data"), 0)) {
      port = server.port;
      ConfigServerClient control = new ConfigServerClient(URI.create(server.url), null);
      control.apply(MeshFixtures.scenario("00-gateway.yaml") + "\n---\n" + MeshFixtures.scenario("40-dark-release.yaml"));
      control.register(new io.inboard.core.mesh.Instance("user-v2", "user", "traffic-management", "127.0.0.1", 18082,
          Map.of("app", "user", "version", "v2")), Duration.ofSeconds(300));
      AgentRuntime first = AgentRuntime.startDetached(AgentOptions.parse(
          "server=" + server.url + ",service=frontend,namespace=traffic-management,cache-dir=" + cache, Map.of(), Map.of()));
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> first.snapshot().instances().size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> cache.resolve(SnapshotCache.FILE).toFile().exists());
      } finally {
        first.stop();
      }
    }
    AgentRuntime second = AgentRuntime.startDetached(AgentOptions.parse(
        "server=http://127.0.0.1:" + port + ",service=frontend,namespace=traffic-management,first-snapshot-wait=60s,cache-dir=" + cache,
        Map.of(), Map.of()));
    try {
      Decision decision = second.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
      assertThat(second.state().peek().origin()).isEqualTo("cache");
      assertThat(decision.instance().id()).isEqualTo("user-v2");
    } finally {
      second.stop();
    }
  }
}
