package io.inboard.agent.runtime;

import io.inboard.core.controlplane.StandaloneRulesFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.inboard.core.route.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone mode: rules and static instances from a local file, no server. */
class StandaloneTest {
  @TempDir Path dir;

  @Test
  void routesByTheRulesFileAndReloadsItWhenItChanges() throws Exception {
    Path file = MeshFixtures.rulesFile(dir, "40-dark-release.yaml");
    AgentRuntime runtime = AgentRuntime.startDetached(AgentOptions.parse("config=" + file + ",service=frontend,first-snapshot-wait=60s", Map.of(), Map.of()));
    try {
      Decision dev = runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
      assertThat(dev.instance().id()).isEqualTo("user-v2");
      assertThat(runtime.router().route(MeshFixtures.userCall(Map.of())).instance().id()).isEqualTo("user-v1");
      long before = runtime.snapshot().revision();

      Path rewritten = MeshFixtures.rulesFile(dir.resolve("next").toFile().mkdirs() ? dir.resolve("next") : dir, "20-consistent-hash.yaml");
      Files.copy(rewritten, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      await().atMost(Duration.ofSeconds(15)).until(() -> runtime.snapshot().revision() > before);
      // Under consistent hashing one header value always reaches one instance, whatever mode says.
      String first = runtime.router().route(MeshFixtures.userCall(Map.of("my-header", "alice"))).instance().id();
      for (int i = 0; i < 20; i++) {
        assertThat(runtime.router().route(MeshFixtures.userCall(Map.of("my-header", "alice"))).instance().id())
            .isEqualTo(first);
      }
    } finally {
      runtime.stop();
    }
  }

  @Test
  void anInvalidFileIsRefusedNamingTheFileAndDocument() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, MeshFixtures.scenario("10-canary.yaml") + "\n---\nkind: Instances\ninstances:\n- {id: x, service: user}\n");
    assertThatThrownBy(() -> StandaloneRulesFile.read(file, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("document 3 (instances)");
  }

  @Test
  void anInvalidFileAtStartLeavesCallsUnroutedInsteadOfWaiting() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "kind: VirtualService\n  bad: [indent\n");
    AgentRuntime runtime = AgentRuntime.startDetached(AgentOptions.parse("config=" + file + ",first-snapshot-wait=120s", Map.of(), Map.of()));
    try {
      long start = System.nanoTime();
      assertThat(runtime.router().route(MeshFixtures.userCall(Map.of())).outcome()).isEqualTo(Decision.Outcome.PASSTHROUGH);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
      assertThat(runtime.metrics().scrape()).contains("inboard_agent_errors_total{where=\"rules-file\"} 1");
    } finally {
      runtime.stop();
    }
  }

  @Test
  void anInvalidEditKeepsThePreviousRulesInForce() throws Exception {
    Path file = MeshFixtures.rulesFile(dir, "40-dark-release.yaml");
    AgentRuntime runtime = AgentRuntime.startDetached(
        AgentOptions.parse("config=" + file + ",service=frontend,first-snapshot-wait=60s", Map.of(), Map.of()));
    try {
      assertThat(runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev"))).instance().id()).isEqualTo("user-v2");
      long before = runtime.snapshot().revision();
      Files.writeString(file, Files.readString(file).replace("weight", "wieght").replace("subset: v2", "subset: v2\n        wieght: 5"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      await().atMost(Duration.ofSeconds(15)).until(() -> runtime.metrics().scrape().contains("where=\"rules-file\""));
      assertThat(runtime.snapshot().revision()).isEqualTo(before);
      assertThat(runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev"))).instance().id()).isEqualTo("user-v2");
    } finally {
      runtime.stop();
    }
  }

  @Test
  void eachRefusedVersionIsLoggedOnce() throws Exception {
    List<String> errors = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getThrown() != null) {
          errors.add(String.valueOf(record.getThrown().getMessage()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("io.inboard.agent");
    logger.addHandler(handler);
    Path file = MeshFixtures.rulesFile(dir, "40-dark-release.yaml");
    String good = Files.readString(file);
    AgentRuntime runtime = AgentRuntime.startDetached(
        AgentOptions.parse("config=" + file + ",service=frontend,first-snapshot-wait=60s", Map.of(), Map.of()));
    try {
      runtime.router();
      long first = runtime.snapshot().revision();

      // A first bad edit (an instance without an address): refused and logged.
      Files.writeString(file, good.replace("address: 127.0.0.1, port: 18082", "port: 18082"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      await().atMost(Duration.ofSeconds(10)).until(() -> errors.size() == 1);
      assertThat(errors.get(0)).contains("address");

      Files.writeString(file, good);
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
      await().atMost(Duration.ofSeconds(10)).until(() -> runtime.snapshot().revision() > first);
      long fixed = runtime.snapshot().revision();

      // A later, different bad edit must be told too.
      Files.writeString(file, good.replace("kind: Instances\n", "kind: Instances\nbogus: [\n"));
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(15)));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> runtime.metrics().scrape().contains("inboard_agent_errors_total{where=\"rules-file\"} 2"));
      Thread.sleep(1500); // a few more polls of the same refused version
      assertThat(runtime.snapshot().revision()).isEqualTo(fixed);
      assertThat(errors).as("one log line per refused version, not per poll").hasSize(2);
      assertThat(runtime.metrics().scrape()).contains("inboard_agent_errors_total{where=\"rules-file\"} 2");
    } finally {
      runtime.stop();
      logger.removeHandler(handler);
    }
  }
}
