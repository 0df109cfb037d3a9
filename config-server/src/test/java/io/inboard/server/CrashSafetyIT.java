package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: applies changes in a loop while the server is killed with SIGKILL at random
 * moments, 20 times; after every restart the store loads and every acknowledged write is there.
 * A store that does not load as a whole is refused at start, not served in part.
 */
class CrashSafetyIT {
  private static final int KILLS = 20;

  @TempDir Path dataDir;

  private static String vs(String name, int generation) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
          namespace: crash
          annotations:
            generation: "%d"
        spec:
          hosts:
          - user
          http:
          - route:
            - destination:
                host: user
        """.formatted(name, generation);
  }

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    Random random = new Random(20260101L);
    List<String> acknowledgedNames = new ArrayList<>();
    int lastAcknowledgedGeneration = -1;
    long lastAcknowledgedRevision = 0;
    int generation = 0;
    for (int round = 0; round < KILLS; round++) {
      ServerProcess server = ServerProcess.start(dataDir);
      Http http = new Http(server.url());
      // The store loaded cleanly and holds everything acknowledged before the last kill.
      assertThat(http.get("/readyz").json().get("revision").asLong()).isGreaterThanOrEqualTo(lastAcknowledgedRevision);
      JsonNode all = http.get("/v1/namespaces/crash/virtualservices").json();
      List<String> stored = new ArrayList<>();
      all.get("items").forEach(i -> stored.add(i.get("metadata").get("name").asText()));
      assertThat(stored).containsAll(acknowledgedNames);
      if (lastAcknowledgedGeneration >= 0) {
        int counter = http.get("/v1/namespaces/crash/virtualservices/counter").json()
            .get("metadata").get("annotations").get("generation").asInt();
        assertThat(counter).as("round %d", round).isGreaterThanOrEqualTo(lastAcknowledgedGeneration);
      }

      // Write in a loop from another thread; kill at a random moment while it writes.
      AtomicBoolean stop = new AtomicBoolean();
      List<String> ackedThisRound = new ArrayList<>();
      int[] lastGen = {lastAcknowledgedGeneration};
      long[] lastRev = {lastAcknowledgedRevision};
      int[] gen = {generation};
      int roundNo = round;
      Thread writer = new Thread(() -> {
        int i = 0;
        while (!stop.get()) {
          int g = ++gen[0];
          String name = "r" + roundNo + "-w" + i++;
          try {
            Http.Response r = http.apply(vs(name, g) + "---\n" + vs("counter", g));
            if (r.status() == 200) {
              synchronized (ackedThisRound) {
                ackedThisRound.add(name);
                lastGen[0] = g;
                lastRev[0] = r.json().get("revision").asLong();
              }
            }
          } catch (Exception e) {
            return; // the server is gone
          }
        }
      });
      writer.start();
      // Kill at a random moment once writes are flowing (on a busy machine the first takes a while).
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline) {
        synchronized (ackedThisRound) {
          if (!ackedThisRound.isEmpty()) {
            break;
          }
        }
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(400));
      server.kill();
      stop.set(true);
      writer.join(30_000);
      synchronized (ackedThisRound) {
        acknowledgedNames.addAll(ackedThisRound);
        lastAcknowledgedGeneration = lastGen[0];
        lastAcknowledgedRevision = lastRev[0];
      }
      generation = gen[0];
    }
    // A last start to check the state left by the twentieth kill.
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      List<String> stored = new ArrayList<>();
      http.get("/v1/namespaces/crash/virtualservices").json().get("items")
          .forEach(i -> stored.add(i.get("metadata").get("name").asText()));
      assertThat(stored).containsAll(acknowledgedNames);
      assertThat(acknowledgedNames.size()).as("writes acknowledged across %d kills", KILLS).isGreaterThan(KILLS);
      System.out.printf("crash safety: %d kills, %d acknowledged applies all present%n", KILLS, acknowledgedNames.size());
    }
  }

  @Test
  void aStoreHoldingOneResourceTwiceIsRefusedAtStart() throws Exception {
    // A hand-merged state.json: serving either copy would hide the other, and the next commit would
    // drop it from disk.
    String state = "{\"revision\": 3, \"resources\": [" + destinationRule("first-host") + ", "
        + destinationRule("second-host") + "]}";
    Files.writeString(dataDir.resolve("state.json"), state);
    Process p = new ProcessBuilder(List.of(ServerProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-jar",
        ServerProcess.jar().toString(), "--port", "0", "--data-dir", dataDir.toString()))
        .redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the server should refuse the store; it serves").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isEqualTo(1);
      assertThat(output).contains("destinationrule ns1/dr1 is stored 2 times");
      assertThat(Files.readString(dataDir.resolve("state.json"))).isEqualTo(state);
    } finally {
      p.destroyForcibly();
      p.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private static String destinationRule(String host) {
    return "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"DestinationRule\",\"metadata\":{\"name\":\"dr1\","
        + "\"namespace\":\"ns1\",\"resourceVersion\":\"2\"},\"spec\":{\"host\":\"" + host + "\"}}";
  }
}
