package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases live in memory, so a restarted server serves a different snapshot (no instances) than the
 * one its predecessor served at the same revision. A watcher that saw that revision before the
 * restart (a gateway, an agent) must be told, or it keeps routing to instances that are gone.
 */
class RestartWatchIT {
  @TempDir Path dataDir;

  private static final String INSTANCE = "/v1/namespaces/traffic-management/instances/user-v1-1";
  private static final String REGISTRATION =
      "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081,\"labels\":{\"version\":\"v1\"},\"ttlSeconds\":30}";

  @Test
  void aWatcherOfTheLastRevisionBeforeARestartIsToldThatTheInstancesAreGone() throws Exception {
    long seen;
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(http.apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);
      assertThat(http.send("PUT", INSTANCE, REGISTRATION, "application/json").status()).isEqualTo(200);
      JsonNode before = http.get("/v1/snapshot?since=-1").json();
      assertThat(before.get("instances")).hasSize(1);
      seen = before.get("revision").asLong();
    } // SIGTERM; the instance dies with it and never registers again

    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(http.get("/v1/instances").json().get("items")).as("leases are not persisted").isEmpty();
      // The watcher asks again, as ShutdownIT's watchers do, with the revision it holds.
      Http.Response r = http.get("/v1/snapshot?since=" + seen + "&timeoutSeconds=2");
      assertThat(r.status())
          .as("the state differs from what revision %d meant before the restart (1 instance, now none)", seen)
          .isEqualTo(200);
      assertThat(r.json().get("instances")).isEmpty();
    }
  }
}
