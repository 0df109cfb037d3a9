package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switching rules while traffic flows: every request is answered by some version, none fails, and
 * after the switch the new rules hold. Standalone mode; the same against the real config server is
 * in {@link ConfigServerWatchTest}.
 */
class RulesSwitchUnderLoadTest {
  @TempDir Path dir;

  @Test
  void switchingFromCanaryToDarkReleaseUnderLoadFailsNoRequest() throws Exception {
    try (WalkThroughMesh mesh = new WalkThroughMesh(dir, "scenarios/10-canary.yaml");
        SteadyLoad load = new SteadyLoad(mesh.client, 4)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.sent.get() >= 300);
      // Canary: mode is ignored, some requests reach v2 without it.
      assertThat(load.count("plain v1")).isPositive();

      // Back and forth a few times, each switch with traffic in flight.
      String[] sequence = {"scenarios/40-dark-release.yaml", "scenarios/30-sticky-canary.yaml",
          "scenarios/20-consistent-hash.yaml", "scenarios/40-dark-release.yaml"};
      for (String scenario : sequence) {
        int before = load.sent.get();
        mesh.apply(scenario);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.sent.get() >= before + 200);
      }
      // Now dark release only: dev → v2, everything else → v1.
      load.resetVersions();
      int before = load.sent.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.sent.get() >= before + 300);
      load.close();

      System.out.printf("rules switch under load: %d requests, %d failed, 4 switches%n", load.sent.get(), load.failures.size());
      assertThat(load.failures).as("failed requests during the switches").isEmpty();
      assertThat(load.sent.get()).isGreaterThan(1400);
      assertThat(load.count("dev v2")).isPositive();
      assertThat(load.count("plain v1")).isPositive();
      assertThat(load.count("dev v1")).isZero();
      assertThat(load.count("plain v2")).isZero();
    }
  }
}
