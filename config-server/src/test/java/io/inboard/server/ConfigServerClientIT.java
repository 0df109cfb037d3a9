package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.controlplane.ConfigServerClient;
import io.inboard.core.controlplane.ConfigServerTransport;
import io.inboard.core.controlplane.JdkHttpTransport;
import io.inboard.core.controlplane.SocketHttpTransport;
import io.inboard.core.controlplane.ConfigServerException;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import io.inboard.core.snapshot.Snapshot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The Java client that agents and gateways use, against the real server with tokens. */
class ConfigServerClientIT {
  @TempDir Path dataDir;

  /** The JDK's HttpClient (the command line, the gateway) and the agent's plain HTTP/1.1 transport. */
  private static ConfigServerTransport transport(String name) {
    return name.equals("jdk")
        ? new JdkHttpTransport(java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build())
        : new SocketHttpTransport(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "{0} transport")
  @ValueSource(strings = {"jdk", "socket"})
  void registersWatchesAppliesReadsAndReportsRefusals(String transportName) throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir,
        Map.of("INBOARD_ADMIN_TOKEN", "admin-token", "INBOARD_AGENT_TOKEN", "agent-token"))) {
      ConfigServerClient admin = new ConfigServerClient(URI.create(server.url()), "admin-token",
          transport(transportName));
      ConfigServerClient agent = new ConfigServerClient(URI.create(server.url() + "/"), "agent-token",
          transport(transportName));

      JsonNode applied = admin.apply(Scenarios.text("00-gateway.yaml") + "---\n" + Scenarios.text("10-canary.yaml"));
      assertThat(applied.get("revision").asLong()).isEqualTo(1);
      assertThat(applied.get("resources")).hasSize(4);

      SnapshotWire.Content first = agent.watch(-1, Duration.ofSeconds(5)).orElseThrow();
      assertThat(first.revision()).isEqualTo(1);
      Snapshot compiled = first.compile();
      assertThat(compiled.resources()).hasSize(4);

      assertThat(agent.watch(1, Duration.ofSeconds(1))).as("nothing changed: 304").isEmpty();

      CompletableFuture<Optional<SnapshotWire.Content>> next = CompletableFuture.supplyAsync(() -> {
        try {
          return agent.watch(1, Duration.ofSeconds(60));
        } catch (java.io.IOException e) {
          throw new RuntimeException(e);
        }
      });
      Instance v1 = new Instance("user-v1", "user", "traffic-management", "127.0.0.1", 8081, Map.of("version", "v1"));
      assertThat(agent.register(v1, Duration.ofSeconds(30))).isEqualTo(2);
      SnapshotWire.Content second = next.get(60, TimeUnit.SECONDS).orElseThrow();
      assertThat(second.revision()).isEqualTo(2);
      assertThat(second.instances()).containsExactly(v1);
      assertThat(agent.register(v1, Duration.ofSeconds(30))).as("heartbeat").isEqualTo(2);

      assertThat(agent.instances("traffic-management", "user").get("items")).hasSize(1);
      assertThat(agent.list("virtualservices", null).get("items")).hasSize(2);
      assertThat(agent.get("destinationrules", "traffic-management", "user-destination-rule")
          .get("metadata").get("resourceVersion").asText()).isEqualTo("1");

      ConfigServerException forbidden = (ConfigServerException) org.assertj.core.api.Assertions.catchThrowable(
          () -> agent.delete("virtualservices", "traffic-management", "user-virtual-service"));
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(forbidden.error()).contains("admin token");

      assertThatThrownBy(() -> admin.apply(Scenarios.text("10-canary.yaml").replace("weight: 90", "wieght: 90")))
          .isInstanceOfSatisfying(ConfigServerException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.details()).anyMatch(d -> d.contains("wieght"));
          });

      JsonNode explained = agent.explain(Http.JSON.readTree(
          "{\"method\":\"GET\",\"url\":\"http://user/\",\"from\":\"traffic-management/frontend\",\"samples\":100}"));
      assertThat(explained.toString()).contains("v1");

      admin.delete("virtualservices", "traffic-management", "user-virtual-service");
      assertThatThrownBy(() -> admin.get("virtualservices", "traffic-management", "user-virtual-service"))
          .isInstanceOfSatisfying(ConfigServerException.class, e -> assertThat(e.status()).isEqualTo(404));
      agent.deregister("traffic-management", "user-v1");
      agent.deregister("traffic-management", "user-v1"); // already gone: not an error
      assertThat(agent.instances(null, null).get("items")).isEmpty();
    }
  }
}
