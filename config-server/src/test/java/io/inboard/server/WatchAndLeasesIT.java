package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revision counter, long-poll watch and instance leases, against the real server. */
class WatchAndLeasesIT {
  @TempDir Path dataDir;

  private static final String INSTANCE = "/v1/namespaces/traffic-management/instances/user-v1-1";

  private static String instance(String version, int ttl) {
    return "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081,\"labels\":{\"app\":\"user\",\"version\":\""
        + version + "\"},\"ttlSeconds\":" + ttl + "}";
  }

  private static long revision(Http http) throws Exception {
    return http.get("/readyz").json().get("revision").asLong();
  }

  @Test
  void revisionMovesOnlyOnRealChangeAndSurvivesRestart() throws Exception {
    long before;
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(revision(http)).isZero();
      JsonNode first = http.apply(Scenarios.text("10-canary.yaml")).json();
      assertThat(first.get("revision").asLong()).isEqualTo(1);
      assertThat(actions(first)).containsOnly("created");

      JsonNode again = http.apply(Scenarios.text("10-canary.yaml")).json();
      assertThat(actions(again)).containsOnly("unchanged");
      assertThat(revision(http)).isEqualTo(1);

      JsonNode changed = http.apply(Scenarios.text("10-canary.yaml").replace("weight: 90", "weight: 80")
          .replace("weight: 10", "weight: 20")).json();
      assertThat(actions(changed)).containsExactlyInAnyOrder("unchanged", "configured", "configured");
      assertThat(revision(http)).isEqualTo(2);

      assertThat(http.send("PUT", INSTANCE, instance("v1", 30), "application/json").status()).isEqualTo(200);
      assertThat(revision(http)).isEqualTo(3);
      assertThat(http.send("PUT", INSTANCE, instance("v1", 30), "application/json").status()).isEqualTo(200);
      assertThat(revision(http)).as("a heartbeat that changes nothing").isEqualTo(3);
      before = revision(http);
    }
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(revision(http)).as("revision after restart: one past, as the leases are gone").isEqualTo(before + 1);
      JsonNode vs = http.get("/v1/namespaces/traffic-management/virtualservices/user-virtual-service").json();
      assertThat(vs.get("metadata").get("resourceVersion").asText()).isEqualTo("2");
      assertThat(vs.toString()).contains("\"weight\":80");
      assertThat(http.get("/v1/instances").json().get("items")).as("leases are not persisted").isEmpty();
    }
  }

  @Test
  void watchAnswersAtOnceWhenBehindHoldsOtherwiseAndTimesOutWith304() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      http.apply(Scenarios.text("00-gateway.yaml"));
      JsonNode snap = http.get("/v1/snapshot?since=-1").json();
      assertThat(snap.get("revision").asLong()).isEqualTo(1);
      assertThat(snap.get("resources")).hasSize(1);
      assertThat(snap.get("resources").get(0).get("kind").asText()).isEqualTo("Gateway");
      assertThat(snap.get("instances").isArray()).isTrue();

      long t0 = System.nanoTime();
      Http.Response held = http.get("/v1/snapshot?since=1&timeoutSeconds=1");
      long waitedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(held.status()).isEqualTo(304);
      assertThat(waitedMs).isGreaterThanOrEqualTo(900);

      assertThat(http.get("/v1/snapshot?since=1&timeoutSeconds=301").status()).isEqualTo(400);
      assertThat(http.get("/v1/snapshot?since=abc").status()).isEqualTo(400);

      java.util.concurrent.CompletableFuture<Http.Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return http.get("/v1/snapshot?since=1&timeoutSeconds=60");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> WatchFanOutIT.metric(http.get("/metrics").body(), "inboard_watchers_waiting") >= 1);
      http.send("PUT", INSTANCE, instance("v1", 30), "application/json");
      Http.Response woken = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(woken.status()).isEqualTo(200);
      assertThat(woken.json().get("revision").asLong()).isEqualTo(2);
      assertThat(woken.json().get("instances").get(0).get("id").asText()).isEqualTo("user-v1-1");
    }
  }

  @Test
  void snapshotIsGzippedForWatchersThatAcceptItAndPlainOtherwise() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      http.apply(Scenarios.text("10-canary.yaml"));
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.util.function.Function<String, java.net.http.HttpResponse<byte[]>> get = acceptEncoding -> {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(server.url() + "/v1/snapshot?since=-1"));
        if (acceptEncoding != null) {
          b.header("Accept-Encoding", acceptEncoding);
        }
        try {
          return client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      };
      java.net.http.HttpResponse<byte[]> plain = get.apply(null);
      assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
      JsonNode expected = Http.JSON.readTree(plain.body());
      assertThat(expected.get("resources")).hasSize(3);

      java.net.http.HttpResponse<byte[]> gzipped = get.apply("br, gzip");
      assertThat(gzipped.statusCode()).isEqualTo(200);
      assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
      assertThat(gzipped.headers().firstValue("Vary")).contains("Accept-Encoding");
      assertThat(gzipped.body().length).isLessThan(plain.body().length / 2);
      try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
          new java.io.ByteArrayInputStream(gzipped.body()))) {
        assertThat(Http.JSON.readTree(in.readAllBytes())).isEqualTo(expected);
      }

      assertThat(get.apply("gzip;q=0, identity").headers().firstValue("Content-Encoding"))
          .as("gzip refused by the client").isEmpty();
    }
  }

  @Test
  void leasesAreListedRenewedChangedAndExpire() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(http.send("PUT", INSTANCE, instance("v1", 2), "application/json").status()).isEqualTo(200);
      assertThat(http.send("PUT", "/v1/namespaces/other/instances/db-1",
          "{\"service\":\"db\",\"address\":\"127.0.0.1\",\"port\":5432}", "application/json").status()).isEqualTo(200);
      assertThat(http.get("/v1/instances").json().get("items")).hasSize(2);
      assertThat(http.get("/v1/namespaces/traffic-management/instances").json().get("items")).hasSize(1);
      assertThat(http.get("/v1/namespaces/other/instances?service=user").json().get("items")).isEmpty();
      JsonNode one = http.get("/v1/namespaces/traffic-management/instances?service=user").json().get("items").get(0);
      assertThat(one.get("labels").get("version").asText()).isEqualTo("v1");
      assertThat(one.get("port").asInt()).isEqualTo(8081);

      long rev = revision(http);
      http.send("PUT", INSTANCE, instance("v2", 2), "application/json");
      assertThat(revision(http)).as("changed labels are a change").isEqualTo(rev + 1);

      // The db lease (default ttl 30 s) stays; user-v1-1 (ttl 2 s) expires on its own.
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> http.get("/v1/instances").json().get("items").size() == 1);
      assertThat(revision(http)).isEqualTo(rev + 2);
      assertThat(http.get("/metrics").body()).contains("inboard_instances{service=\"other/db\"} 1.0");

      assertThat(http.delete("/v1/namespaces/other/instances/db-1").status()).isEqualTo(200);
      assertThat(http.get("/v1/instances").json().get("items")).isEmpty();
      assertThat(http.delete("/v1/namespaces/other/instances/db-1").status()).isEqualTo(404);
    }
  }

  @Test
  void resourcesCanBeListedPerNamespaceAndAcrossAndDeleted() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      http.apply(Scenarios.text("10-canary.yaml"));
      http.apply(Scenarios.text("00-gateway.yaml").replace("traffic-management\n", "edge\n"));
      assertThat(http.get("/v1/virtualservices").json().get("items")).hasSize(2);
      assertThat(http.get("/v1/gateways").json().get("items")).hasSize(1);
      assertThat(http.get("/v1/namespaces/edge/gateways").json().get("items")).hasSize(1);
      assertThat(http.get("/v1/namespaces/edge/virtualservices").json().get("items")).isEmpty();
      assertThat(http.get("/v1/namespaces/traffic-management/destinationrules").json().get("kind").asText())
          .isEqualTo("DestinationRuleList");

      String path = "/v1/namespaces/traffic-management/virtualservices/user-virtual-service";
      assertThat(http.delete(path + "?resourceVersion=7").status()).isEqualTo(409);
      long rev = revision(http);
      assertThat(http.delete(path).status()).isEqualTo(200);
      assertThat(revision(http)).isEqualTo(rev + 1);
      assertThat(http.get(path).status()).isEqualTo(404);

      String metrics = http.get("/metrics").body();
      assertThat(metrics).contains("route=\"/v1/namespaces/{ns}/virtualservices/{name}\"")
          .contains("inboard_revision")
          .contains("inboard_apply_seconds_count")
          .contains("jvm_threads_live_threads");
      assertThat(http.get("/healthz").status()).isEqualTo(200);
      assertThat(http.get("/v1/nothing-here").status()).isEqualTo(404);
      assertThat(http.send("POST", "/v1/snapshot", "x", "text/plain").status()).isEqualTo(405);
    }
  }

  @Test
  void metricsLabelRequestsByKnownMethodsOnlySoInventedOnesAddNoSeries() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir,
        Map.of("INBOARD_ADMIN_TOKEN", "admin-secret-4f1c", "INBOARD_AGENT_TOKEN", "agent-secret-9d2e"))) {
      Http anonymous = new Http(server.url());
      for (int i = 0; i < 50; i++) {
        assertThat(anonymous.send("XMETHOD" + i, "/v1/apply", (String) null, null).status()).isEqualTo(405);
      }
      assertThat(anonymous.send("OPTIONS", "/v1/apply", (String) null, null).status()).isEqualTo(405);
      String metrics = anonymous.get("/metrics").body();
      List<String> counts = metrics.lines().filter(l -> l.startsWith("inboard_http_requests_seconds_count{")).toList();
      assertThat(counts).noneMatch(l -> l.contains("XMETHOD"));
      assertThat(counts).filteredOn(l -> l.contains("method=\"other\"") && l.contains("route=\"/v1/apply\"")
          && l.contains("status=\"405\"")).singleElement().asString().endsWith(" 50");
      assertThat(counts).anyMatch(l -> l.contains("method=\"OPTIONS\"") && l.contains("route=\"/v1/apply\""));
    }
  }

  private static List<String> actions(JsonNode applyResult) {
    List<String> out = new ArrayList<>();
    applyResult.get("resources").forEach(r -> out.add(r.get("action").asText()));
    return out;
  }
}
