package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config server on a real etcd with authentication enabled (a root user, and a user allowed
 * the store's prefix only), whose tokens live 2 s ({@code --auth-token-ttl 2}): the right user
 * works, a wrong password stops the start with what to check, and a token etcd no longer knows —
 * expired, or forgotten by an etcd restart — is replaced without the caller noticing.
 */
class EtcdAuthIT {
  private static final String USER = "inboard";
  private static final String PASSWORD = "s3cret-etcd-pw";
  private static final String PREFIX = "/inboard-auth/";
  private static final String VS = "/v1/namespaces/traffic-management/virtualservices/with-auth";

  @TempDir static Path dir;
  private static EtcdProcess etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    if (EtcdProcess.installed()) {
      etcd = EtcdProcess.start(dir.resolve("etcd"), null, "--auth-token-ttl", "2");
      etcd.enableAuth(USER, PASSWORD, PREFIX);
    }
  }

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

  private static ServerProcess server(EtcdProcess on, String prefix) throws Exception {
    return ServerProcess.start(ServerProcess.TEST_JVM, null, Map.of("INBOARD_ETCD_USER", USER,
        "INBOARD_ETCD_PASSWORD", PASSWORD), "--store", "etcd", "--etcd-endpoints", on.endpoint(), "--etcd-prefix", prefix);
  }

  private static String virtualService(String timeout) {
    return String.join("\n",
        "apiVersion: networking.istio.io/v1",
        "kind: VirtualService",
        "metadata: {name: with-auth, namespace: traffic-management}",
        "spec:",
        "  hosts: [with-auth]",
        "  http:",
        "  - timeout: " + timeout,
        "    route:",
        "    - destination: {host: with-auth}",
        "");
  }

  private static String timeout(Http http) throws Exception {
    Http.Response r = http.get(VS);
    return r.status() != 200 ? r.toString() : r.json().get("spec").get("http").get(0).get("timeout").asText();
  }

  @Test
  void theRightUserStoresAndServesAndASecondReplicasWatchSeesTheChangeAndLeasesWork() throws Exception {
    Path passwordFile = dir.resolve("etcd-password");
    Files.writeString(passwordFile, PASSWORD + "\n"); // as an editor or a mounted secret leaves it
    String prefix = PREFIX + "right-user/";
    try (ServerProcess a = server(etcd, prefix);
        ServerProcess b = ServerProcess.start(ServerProcess.TEST_JVM, null, Map.of(), "--store", "etcd",
            "--etcd-endpoints", etcd.endpoint(), "--etcd-prefix", prefix, "--etcd-user", USER,
            "--etcd-password-file", passwordFile.toString())) {
      assertThat(a.output()).contains("user '" + USER + "'").doesNotContain(PASSWORD);
      Http httpA = new Http(a.url());
      Http httpB = new Http(b.url());
      Http.Response stored = httpA.put(VS, virtualService("2s"));
      assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(timeout(httpB)).isEqualTo("2s"));

      // Leases: granted, renewed and revoked by a user that has only its prefix.
      String instance = "/v1/namespaces/traffic-management/instances/user-1";
      String registration = "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081,\"ttlSeconds\":30}";
      Http.Response registered = httpA.send("PUT", instance, registration, "application/json");
      assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
      assertThat(httpB.send("PUT", instance, registration, "application/json").status()).as("a heartbeat").isEqualTo(200);
      Http.Response deregistered = httpB.delete(instance);
      assertThat(deregistered.status()).as(deregistered.toString()).isEqualTo(200);
    }
  }

  @Test
  void aWrongPasswordNoUserOrAPrefixNotGrantedIsRefusedAtStartSayingWhatToCheck() throws Exception {
    ServerProcess.Exit wrong = ServerProcess.refusedStart(Map.of("INBOARD_ETCD_PASSWORD", "not-" + PASSWORD),
        "--store", "etcd", "--etcd-endpoints", etcd.endpoint(), "--etcd-prefix", PREFIX, "--etcd-user", USER);
    assertThat(wrong.code()).as(wrong.output()).isEqualTo(1);
    assertThat(wrong.output()).contains("cannot start: etcd refused the user '" + USER + "': authentication failed;"
        + " check --etcd-user and the password").doesNotContain(PASSWORD);

    ServerProcess.Exit anonymous = ServerProcess.refusedStart(Map.of(), "--store", "etcd", "--etcd-endpoints",
        etcd.endpoint(), "--etcd-prefix", PREFIX);
    assertThat(anonymous.code()).as(anonymous.output()).isEqualTo(1);
    assertThat(anonymous.output()).contains("etcd has authentication enabled; give the etcd user with --etcd-user");

    ServerProcess.Exit elsewhere = ServerProcess.refusedStart(Map.of("INBOARD_ETCD_PASSWORD", PASSWORD),
        "--store", "etcd", "--etcd-endpoints", etcd.endpoint(), "--etcd-prefix", "/not-granted/", "--etcd-user", USER);
    assertThat(elsewhere.code()).as(elsewhere.output()).isEqualTo(1);
    assertThat(elsewhere.output()).contains("etcdserver: permission denied; grant the etcd user read-write permission"
        + " on the prefix");
  }

  @Test
  void anExpiredTokenIsRenewedAndTheWriteAfterItSucceeds() throws Exception {
    try (ServerProcess server = server(etcd, PREFIX + "expiry/")) {
      Http http = new Http(server.url());
      assertThat(http.put(VS, virtualService("2s")).status()).isEqualTo(200);
      // A token taken after the server last used its own expires no earlier than the server's
      // (a simple token lives --auth-token-ttl from its last use). Polls are 3 s apart so that
      // polling does not keep it alive.
      String probe = etcd.authenticate(USER, PASSWORD);
      Awaitility.await().pollDelay(Duration.ofSeconds(3)).pollInterval(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(30)).until(() -> !etcd.accepts(probe, PREFIX));

      Http.Response after = http.put(VS, virtualService("3s"));
      assertThat(after.status()).as("the first write after the token expired: %s", after).isEqualTo(200);
      assertThat(timeout(http)).isEqualTo("3s");
    }
  }

  @Test
  void aTokenForgottenByAnEtcdRestartIsRenewedForWritesAndForTheWatch(@TempDir Path own) throws Exception {
    // Its own etcd, with etcd's default token ttl: only the restart invalidates the tokens.
    try (EtcdProcess restarting = EtcdProcess.start(own, null)) {
      restarting.enableAuth(USER, PASSWORD, PREFIX);
      try (ServerProcess a = server(restarting, PREFIX);
          ServerProcess b = server(restarting, PREFIX)) {
        Http httpA = new Http(a.url());
        Http httpB = new Http(b.url());
        assertThat(httpA.put(VS, virtualService("2s")).status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(timeout(httpB)).isEqualTo("2s"));

        restarting.stop();
        restarting.start();
        Http.Response after = httpA.put(VS, virtualService("3s"));
        assertThat(after.status()).as("the first write after etcd restarted: %s", after).isEqualTo(200);
        // B learns it only through its watch, which had to present a new token when it reopened.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(timeout(httpB)).isEqualTo("3s"));
        assertThat(b.output()).doesNotContain(PASSWORD);
      }
    }
  }

  @Test
  void aRotatedPasswordIsReadFromThePasswordFileWhenEtcdNoLongerAcceptsTheToken(@TempDir Path own) throws Exception {
    String rotated = "rotated-" + PASSWORD;
    Path passwordFile = own.resolve("etcd-password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    try (EtcdProcess rotating = EtcdProcess.start(own.resolve("etcd"), null)) {
      rotating.enableAuth(USER, PASSWORD, PREFIX);
      try (ServerProcess server = ServerProcess.start(ServerProcess.TEST_JVM, null, Map.of(), "--store", "etcd",
          "--etcd-endpoints", rotating.endpoint(), "--etcd-prefix", PREFIX + "rotation/", "--etcd-user", USER,
          "--etcd-password-file", passwordFile.toString())) {
        Http http = new Http(server.url());
        assertThat(http.put(VS, virtualService("2s")).status()).isEqualTo(200);

        // The operator changes the password in etcd (every token given before is refused from then
        // on: "revision of auth store is old"), then renews the secret the file is mounted from.
        rotating.changePassword(USER, PASSWORD, rotated);
        Path next = own.resolve("etcd-password.next");
        Files.writeString(next, rotated + "\n");
        Files.move(next, passwordFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          Http.Response after = http.put(VS, virtualService("3s"));
          assertThat(after.status()).as("a write after the rotation: %s", after).isEqualTo(200);
        });
        assertThat(timeout(http)).isEqualTo("3s");
        assertThat(server.output()).contains("holds a new password for user '" + USER + "'")
            .doesNotContain(PASSWORD);
      }
    }
  }
}
