package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real config server replicas (separate processes) on one real etcd: what is written through
 * one is served, and watched, through the other; concurrent writes are decided once; instances
 * live and expire in etcd; etcd going away costs writes (503), never stored state.
 */
class EtcdReplicasIT {
  private static final String INSTANCES = "/v1/namespaces/traffic-management/instances/";
  private static final String RACE = "/v1/namespaces/traffic-management/virtualservices/race";

  @TempDir static Path etcdData;
  private static EtcdProcess etcd;
  private static int prefixes;

  @BeforeAll
  static void startEtcd() throws Exception {
    if (EtcdProcess.installed()) {
      etcd = EtcdProcess.start(etcdData);
    }
  }

  /** Each test is skipped (counted as such) without etcd, or fails under INBOARD_REQUIRE_ETCD=1. */
  @BeforeEach
  void etcdInstalled() {
    EtcdProcess.requireOrSkip();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** Each test keeps its state under its own prefix of the shared etcd. */
  private static String freshPrefix() {
    return "/inboard-it-" + (++prefixes) + "/";
  }

  private static long revision(Http http) throws Exception {
    return http.get("/readyz").json().get("revision").asLong();
  }

  private static String registration(int ttlSeconds) {
    return "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081,\"labels\":{\"version\":\"v1\"},\"ttlSeconds\":"
        + ttlSeconds + "}";
  }

  private static String race(String resourceVersion, String timeout) {
    return String.join("\n",
        "apiVersion: networking.istio.io/v1",
        "kind: VirtualService",
        "metadata:",
        "  name: race",
        "  namespace: traffic-management",
        resourceVersion == null ? "" : "  resourceVersion: \"" + resourceVersion + "\"",
        "spec:",
        "  hosts: [race]",
        "  http:",
        "  - timeout: " + timeout,
        "    route:",
        "    - destination: {host: race}",
        "");
  }

  @Test
  void aChangeAppliedThroughOneReplicaIsServedByTheOtherAndWakesItsWatchAtOnce() throws Exception {
    String prefix = freshPrefix();
    try (ServerProcess a = ServerProcess.replica(etcd.endpoint(), prefix);
        ServerProcess b = ServerProcess.replica(etcd.endpoint(), prefix)) {
      Http httpA = new Http(a.url());
      Http httpB = new Http(b.url());
      long before = revision(httpB);
      CompletableFuture<Long> watchAnsweredAt = new CompletableFuture<>();
      CompletableFuture<Http.Response> watch = CompletableFuture.supplyAsync(() -> {
        try {
          Http.Response r = httpB.get("/v1/snapshot?since=" + before + "&timeoutSeconds=30");
          watchAnsweredAt.complete(System.nanoTime());
          return r;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> httpB.get("/metrics").body().contains("inboard_watchers_waiting 1.0"));

      Http.Response applied = httpA.apply(Scenarios.text("10-canary.yaml"));
      long appliedAt = System.nanoTime();
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
      long revision = applied.json().get("revision").asLong();
      assertThat(revision).isEqualTo(before + 1);

      Http.Response woken = watch.get(10, TimeUnit.SECONDS);
      assertThat(woken.status()).isEqualTo(200);
      assertThat(woken.json().get("revision").asLong()).isEqualTo(revision);
      assertThat(woken.json().get("resources")).hasSize(3);
      long lagMillis = Math.max(0, watchAnsweredAt.get() - appliedAt) / 1_000_000;
      assertThat(lagMillis).as("the watch held on B answers well under a second after A acknowledged").isLessThan(700);

      JsonNode vs = httpB.get("/v1/namespaces/traffic-management/virtualservices/user-virtual-service").json();
      assertThat(vs.get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(revision));
      assertThat(revision(httpB)).isEqualTo(revision(httpA)).isEqualTo(revision);
    }
  }

  @Test
  void conflictingWritesThroughTwoReplicasAtOnceExactlyOneWinsTheOtherGets409() throws Exception {
    String prefix = freshPrefix();
    try (ServerProcess a = ServerProcess.replica(etcd.endpoint(), prefix);
        ServerProcess b = ServerProcess.replica(etcd.endpoint(), prefix)) {
      Http httpA = new Http(a.url());
      Http httpB = new Http(b.url());
      assertThat(httpA.put(RACE, race(null, "1s")).status()).isEqualTo(200);
      for (int round = 0; round < 10; round++) {
        String version = httpA.get(RACE).json().get("metadata").get("resourceVersion").asText();
        CyclicBarrier start = new CyclicBarrier(2);
        String timeoutA = (round + 2) + "s";
        String timeoutB = (round + 20) + "s";
        CompletableFuture<Http.Response> throughA = CompletableFuture.supplyAsync(() -> put(start, httpA, race(version, timeoutA)));
        CompletableFuture<Http.Response> throughB = CompletableFuture.supplyAsync(() -> put(start, httpB, race(version, timeoutB)));
        Http.Response ra = throughA.get(30, TimeUnit.SECONDS);
        Http.Response rb = throughB.get(30, TimeUnit.SECONDS);
        List<Integer> statuses = new ArrayList<>(List.of(ra.status(), rb.status()));
        statuses.sort(null);
        assertThat(statuses).as("round %d: %s / %s", round, ra, rb).containsExactly(200, 409);
        Http.Response loser = ra.status() == 409 ? ra : rb;
        assertThat(loser.body()).contains("stale: you sent " + version);
        String winnerTimeout = ra.status() == 200 ? timeoutA : timeoutB;
        for (Http http : List.of(httpA, httpB)) {
          Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
              http.get(RACE).json().get("spec").get("http").get(0).get("timeout").asText()).isEqualTo(winnerTimeout));
        }
      }
    }
  }

  private static Http.Response put(CyclicBarrier start, Http http, String body) {
    try {
      start.await(10, TimeUnit.SECONDS);
      return http.put(RACE, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anInstanceRegisteredAtOneReplicaIsSeenAtTheOtherRenewedThroughItAndExpires() throws Exception {
    String prefix = freshPrefix();
    try (ServerProcess a = ServerProcess.replica(etcd.endpoint(), prefix);
        ServerProcess b = ServerProcess.replica(etcd.endpoint(), prefix)) {
      Http httpA = new Http(a.url());
      Http httpB = new Http(b.url());
      Http.Response registered = httpA.send("PUT", INSTANCES + "user-v1-1", registration(2), "application/json");
      assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
      long revision = registered.json().get("revision").asLong();
      Awaitility.await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
          assertThat(httpB.get("/v1/instances").json().get("items").findValuesAsText("id")).containsExactly("user-v1-1"));

      // Heartbeats through B for twice the ttl keep the lease that A created.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      while (System.nanoTime() < until) {
        Http.Response beat = httpB.send("PUT", INSTANCES + "user-v1-1", registration(2), "application/json");
        assertThat(beat.status()).isEqualTo(200);
        assertThat(beat.json().get("revision").asLong()).as("a heartbeat moves nothing").isEqualTo(revision);
        Thread.sleep(500);
      }
      assertThat(httpA.get("/v1/instances").json().get("items")).hasSize(1);

      // The heartbeats stop: etcd ends the lease, and the watch held on A is told.
      long stopped = System.nanoTime();
      Http.Response woken = httpA.get("/v1/snapshot?since=" + revision + "&timeoutSeconds=20");
      long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
      assertThat(woken.status()).isEqualTo(200);
      assertThat(woken.json().get("instances")).isEmpty();
      assertThat(woken.json().get("revision").asLong()).as("the expiry moves the revision once").isEqualTo(revision + 1);
      assertThat(tookMillis).as("expired within the ttl (etcd's minimum of 2 s) and its check").isLessThan(5000);
      Awaitility.await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
        assertThat(httpB.get("/v1/instances").json().get("items")).isEmpty();
        assertThat(revision(httpB)).isEqualTo(revision + 1);
      });
      assertThat(httpB.delete(INSTANCES + "user-v1-1").status()).isEqualTo(404);
    }
  }

  @Test
  void aRestartedReplicaLoadsTheSharedStateInstancesIncludedAndTheRevisionStays() throws Exception {
    String prefix = freshPrefix();
    long revision;
    try (ServerProcess b = ServerProcess.replica(etcd.endpoint(), prefix)) {
      Http httpB = new Http(b.url());
      try (ServerProcess a = ServerProcess.replica(etcd.endpoint(), prefix)) {
        Http httpA = new Http(a.url());
        assertThat(httpA.apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);
        assertThat(httpA.send("PUT", INSTANCES + "user-v1-1", registration(60), "application/json").status())
            .isEqualTo(200);
        revision = revision(httpA);
      }
      try (ServerProcess a = ServerProcess.replica(etcd.endpoint(), prefix)) {
        Http httpA = new Http(a.url());
        assertThat(revision(httpA)).as("leases live in etcd: the state is the same, so is its revision")
            .isEqualTo(revision).isEqualTo(revision(httpB));
        assertThat(httpA.get("/v1/namespaces/traffic-management/virtualservices").json().get("items")).hasSize(2);
        assertThat(httpA.get("/v1/instances").json().get("items").findValuesAsText("id")).containsExactly("user-v1-1");
        assertThat(httpA.get("/v1/snapshot?since=" + revision + "&timeoutSeconds=1").status())
            .as("a watcher of the revision before the restart has nothing new to see").isEqualTo(304);
        Http.Response deregistered = httpA.delete(INSTANCES + "user-v1-1");
        assertThat(deregistered.status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
            assertThat(httpB.get("/v1/instances").json().get("items")).isEmpty());
      }
    }
  }

  @Test
  void withEtcdStoppedWritesAnswer503AndNothingStoredIsLost(@TempDir Path ownData) throws Exception {
    try (EtcdProcess own = EtcdProcess.start(ownData);
        ServerProcess a = ServerProcess.replica(own.endpoint(), "/inboard/");
        ServerProcess b = ServerProcess.replica(own.endpoint(), "/inboard/")) {
      Http httpA = new Http(a.url());
      Http httpB = new Http(b.url());
      assertThat(httpA.apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);
      long revision = revision(httpA);
      Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> revision(httpB) == revision);

      own.stop();
      Http.Response refused = httpA.apply(Scenarios.text("00-gateway.yaml"));
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(refused.json().get("error").asText()).contains("etcd is unreachable", own.endpoint(),
          "nothing was changed");
      Http.Response refusedInstance = httpB.send("PUT", INSTANCES + "user-v1-1", registration(30), "application/json");
      assertThat(refusedInstance.status()).isEqualTo(503);
      Http.Response refusedDelete = httpB.delete("/v1/namespaces/traffic-management/virtualservices/user-virtual-service");
      assertThat(refusedDelete.status()).isEqualTo(503);
      for (Http http : List.of(httpA, httpB)) {
        assertThat(http.get("/v1/namespaces/traffic-management/virtualservices").json().get("items"))
            .as("reads are served while etcd is away").hasSize(2);
        assertThat(revision(http)).isEqualTo(revision);
      }

      own.start();
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> httpB.apply(Scenarios.text("00-gateway.yaml")).status() == 200);
      for (Http http : List.of(httpA, httpB)) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
          JsonNode snapshot = http.get("/v1/snapshot?since=-1").json();
          assertThat(snapshot.get("revision").asLong()).isEqualTo(revision + 1);
          assertThat(snapshot.get("resources").findValuesAsText("kind"))
              .containsExactlyInAnyOrder("DestinationRule", "VirtualService", "VirtualService", "Gateway");
        });
      }
    }
  }

  @Test
  void aServerRefusesToStartWhenEtcdCannotBeReached() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Process p = new ProcessBuilder(ServerProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-jar",
        ServerProcess.jar().toString(), "--port", "0", "--store", "etcd", "--etcd-endpoints",
        "http://127.0.0.1:" + closedPort).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the server should refuse to start").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isEqualTo(1);
      assertThat(output).contains("cannot start", "etcd is unreachable", "127.0.0.1:" + closedPort,
          "--etcd-endpoints");
    } finally {
      p.destroyForcibly();
    }
  }
}
