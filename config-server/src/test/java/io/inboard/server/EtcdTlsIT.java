package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config server on a real etcd that serves its clients over TLS only and requires client
 * certificates ({@code --client-cert-auth}), with certificates made by openssl at test time: the
 * store works through it, and a CA that did not issue etcd's certificate, or a missing client
 * certificate, stops the server at start with what to correct.
 */
class EtcdTlsIT {
  private static final String VS = "/v1/namespaces/traffic-management/virtualservices/over-tls";

  @TempDir static Path dir;
  private static TestCertificates certs;
  private static EtcdProcess etcd;
  private static int prefixes;

  @BeforeAll
  static void startEtcd() throws Exception {
    if (EtcdProcess.installed()) {
      certs = TestCertificates.create(dir.resolve("certs"));
      etcd = EtcdProcess.start(dir.resolve("etcd"), certs);
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

  private static String[] args(String prefix, List<String> tlsArgs) {
    List<String> args = new ArrayList<>(List.of("--store", "etcd", "--etcd-endpoints", etcd.endpoint(),
        "--etcd-prefix", prefix));
    args.addAll(tlsArgs);
    return args.toArray(new String[0]);
  }

  private static String virtualService(String timeout) {
    return String.join("\n",
        "apiVersion: networking.istio.io/v1",
        "kind: VirtualService",
        "metadata: {name: over-tls, namespace: traffic-management}",
        "spec:",
        "  hosts: [over-tls]",
        "  http:",
        "  - timeout: " + timeout,
        "    route:",
        "    - destination: {host: over-tls}",
        "");
  }

  @Test
  void withTheCaAndAClientCertificateTheStoreWorksThroughAnEtcdRestartAndKeepsItsStateForTheNextServer() throws Exception {
    String prefix = "/inboard-tls-" + (++prefixes) + "/";
    String version;
    try (ServerProcess server = ServerProcess.start(ServerProcess.TEST_JVM, null, Map.of(),
        args(prefix, certs.serverArgs()))) {
      assertThat(server.output()).contains("etcd [" + etcd.endpoint() + "]").contains("TLS (CA " + certs.ca());
      Http http = new Http(server.url());
      Http.Response stored = http.put(VS, virtualService("3s"));
      assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
      version = http.get(VS).json().get("metadata").get("resourceVersion").asText();
      Http.Response registered = http.send("PUT", "/v1/namespaces/traffic-management/instances/user-1",
          "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081,\"ttlSeconds\":30}", "application/json");
      assertThat(registered.status()).as("a lease through TLS: %s", registered).isEqualTo(200);

      // etcd restarts: the next write makes new TLS connections, and the watch is opened again.
      etcd.stop();
      etcd.start();
      Http.Response afterRestart = http.put(VS, virtualService("5s"));
      assertThat(afterRestart.status()).as(afterRestart.toString()).isEqualTo(200);
      version = http.get(VS).json().get("metadata").get("resourceVersion").asText();
      assertThat(version).isEqualTo(afterRestart.json().get("revision").asText());
    }
    // The same settings from the environment, as a Kubernetes Deployment gives them.
    Map<String, String> env = Map.of("INBOARD_ETCD_CA_FILE", certs.ca().toString(),
        "INBOARD_ETCD_CERT_FILE", certs.clientCert().toString(), "INBOARD_ETCD_KEY_FILE", certs.clientKey().toString());
    try (ServerProcess again = ServerProcess.start(ServerProcess.TEST_JVM, null, env, args(prefix, List.of()))) {
      Http http = new Http(again.url());
      Http.Response read = http.get(VS);
      assertThat(read.status()).as(read.toString()).isEqualTo(200);
      assertThat(read.json().get("metadata").get("resourceVersion").asText()).isEqualTo(version);
      assertThat(read.json().get("spec").get("http").get(0).get("timeout").asText()).isEqualTo("5s");
      assertThat(http.put(VS, virtualService("4s")).status()).isEqualTo(200);
      assertThat(http.get(VS).json().get("spec").get("http").get(0).get("timeout").asText()).isEqualTo("4s");
    }
  }

  @Test
  void renewedCertificatesFromANewCaAreTakenByTheRunningServerAtItsNextConnection() throws Exception {
    // The server's files live in one directory, as a mounted secret does, and are replaced there.
    Path live = Files.createDirectories(dir.resolve("live"));
    Path ca = live.resolve("ca.pem");
    Path cert = live.resolve("client.pem");
    Path key = live.resolve("client.key");
    replace(certs.ca(), ca);
    replace(certs.clientCert(), cert);
    replace(certs.clientKey(), key);
    TestCertificates renewed = TestCertificates.create(dir.resolve("renewed-certs"));
    String prefix = "/inboard-tls-" + (++prefixes) + "/";
    try (EtcdProcess own = EtcdProcess.start(dir.resolve("etcd-renewed"), certs);
        ServerProcess server = ServerProcess.start(ServerProcess.TEST_JVM, null, Map.of(), "--store", "etcd",
            "--etcd-endpoints", own.endpoint(), "--etcd-prefix", prefix, "--etcd-ca-file", ca.toString(),
            "--etcd-cert-file", cert.toString(), "--etcd-key-file", key.toString())) {
      Http http = new Http(server.url());
      assertThat(http.put(VS, virtualService("3s")).status()).isEqualTo(200);

      // etcd moves to certificates of a new CA and trusts only client certificates of that CA; the
      // server's files are renewed the same way (a half-written key first, as a slow copy leaves it).
      own.stop();
      own.useCertificates(renewed);
      own.start();
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n");
      replace(renewed.ca(), ca);
      replace(renewed.clientCert(), cert);
      Http.Response halfWay = http.put(VS, virtualService("4s"));
      assertThat(halfWay.status()).as("the old key does not fit the new certificate: %s", halfWay).isNotEqualTo(200);
      assertThat(server.output()).contains("the TLS files to etcd changed but cannot be used")
          .contains("--etcd-key-file " + key);

      replace(renewed.clientKey(), key);
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Http.Response stored = http.put(VS, virtualService("5s"));
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
      });
      assertThat(http.get(VS).json().get("spec").get("http").get(0).get("timeout").asText()).isEqualTo("5s");
      assertThat(server.output()).contains("the TLS files to etcd changed and were read again");
    }
  }

  /** Replaces {@code target} with {@code source}'s content in one step, as a secret's renewal does. */
  private static void replace(Path source, Path target) throws Exception {
    Path next = target.resolveSibling(target.getFileName() + ".next");
    Files.copy(source, next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aCaThatDidNotIssueEtcdsCertificateIsRefusedAtStartNamingTheFile() throws Exception {
    ServerProcess.Exit exit = ServerProcess.refusedStart(Map.of(), args("/inboard-tls-refused/",
        List.of("--etcd-ca-file", certs.otherCa().toString(), "--etcd-cert-file", certs.clientCert().toString(),
            "--etcd-key-file", certs.clientKey().toString())));
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output()).contains("cannot start: etcd is unreachable: " + etcd.endpoint() + " refused TLS:"
        + " etcd's certificate is not issued by a CA in --etcd-ca-file " + certs.otherCa())
        .contains("give --etcd-ca-file the CA that issued etcd's certificate");
  }

  @Test
  void withoutAClientCertificateEtcdRefusesTheHandshakeAndTheMessageSaysWhatToGive() throws Exception {
    ServerProcess.Exit exit = ServerProcess.refusedStart(Map.of(), args("/inboard-tls-refused/",
        List.of("--etcd-ca-file", certs.ca().toString())));
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    // Under TLS 1.3 etcd refuses the missing certificate after the handshake: its alert arrives, or
    // only the closed connection does; the message names the fix either way.
    assertThat(exit.output()).containsAnyOf("etcd refused the client certificate", "it then closes connections that present no client")
        .containsPattern("etcd runs with --client-cert-auth(:| \\(it then closes connections that present no client"
            + " certificate\\),) give --etcd-cert-file and --etcd-key-file");
  }
}
