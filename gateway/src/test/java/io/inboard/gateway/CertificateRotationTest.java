package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates renewed under a running gateway without a change of the rules, on real TLS over
 * 127.0.0.1: a Kubernetes secret swapped under its mount, a file rewritten in place, a secret that
 * appears after the start. New handshakes get the new certificate within the poll interval,
 * connections already open keep theirs, and a broken replacement keeps the last good certificate
 * while it says what is wrong.
 */
class CertificateRotationTest {
  private static final Duration POLL = Duration.ofMillis(200);
  /** Well above the poll interval: how long a change may take to be seen on two busy cores. */
  private static final Duration SEEN_WITHIN = Duration.ofSeconds(10);

  @TempDir static Path certsDir;
  @TempDir Path dir;

  static TestCertificates certs;
  static TestCertificates.Issued shop;
  static TestCertificates.Issued shopRenewed;
  static TestCertificates.Issued cart;
  static EchoUpstream upstream;

  @BeforeAll
  static void makeCertificatesAndUpstream() throws Exception {
    certs = TestCertificates.create(certsDir);
    shop = certs.issue("shop", "EC", "shop.example.com");
    shopRenewed = certs.issue("shop-renewed", "EC", "shop.example.com");
    cart = certs.issue("cart", "RSA", "cart.example.com");
    upstream = new EchoUpstream("shop-1", Map.of("app", "shop"));
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    upstream.close();
  }

  /** One Gateway {@code edge/web} with one HTTPS server for shop.example.com, routed to the upstream. */
  private InboardGateway start(String tls, Path credentials, Duration poll) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 443, name: https, protocol: HTTPS}
            hosts: [shop.example.com]
            tls: %s
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: edge}
        spec:
          hosts: [shop.example.com]
          gateways: [web]
          http:
          - route: [{destination: {host: shop}}]
        ---
        instances:
        - {id: shop-1, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop}}
        """.formatted(tls, upstream.port()));
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system")
        .withHttps(0, 443, credentials).withCredentialsPollInterval(poll));
  }

  /** The certificate a new connection to shop.example.com is shown, with a client of its own (no resumed session). */
  private static X509Certificate presented(InboardGateway gw) throws Exception {
    HttpsCall call = HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com", "/");
    assertThat(call.status()).as(call.body()).isEqualTo(200);
    return call.certificate();
  }

  @Test
  void aSecretSwappedUnderItsMountIsServedToNewConnectionsWithinTheInterval() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    MountedSecret secret = MountedSecret.mount(credentials, "shop-cert", MountedSecret.tls(shop));
    try (InboardGateway gw = start("{mode: SIMPLE, credentialName: shop-cert}", credentials, POLL);
        SSLSocket open = handshake(gw)) {
      assertThat(presented(gw)).isEqualTo(shop.cert());
      long before = gw.revision();

      secret.update(MountedSecret.tls(shopRenewed));
      await().atMost(SEEN_WITHIN).untilAsserted(() -> assertThat(presented(gw)).isEqualTo(shopRenewed.cert()));
      assertThat(gw.revision()).as("the rules did not change").isEqualTo(before);
      assertThat(gw.certificateProblems()).isEmpty();

      // The connection opened before the swap keeps its certificate and is still served.
      assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(shop.cert());
      assertThat(request(open)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aBrokenReplacementKeepsTheLastGoodCertificateAndSaysWhereUntilAGoodOneComes() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    MountedSecret secret = MountedSecret.mount(credentials, "shop-cert", MountedSecret.tls(shop));
    try (InboardGateway gw = start("{mode: SIMPLE, credentialName: shop-cert}", credentials, POLL);
        TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(presented(gw)).isEqualTo(shop.cert());

      // The renewed certificate with the old key: they do not belong together.
      secret.update(MountedSecret.tls(shopRenewed.certificate(), cart.key()));
      String mismatch = "Gateway edge/web spec.servers[0] tls.credentialName 'shop-cert' file "
          + credentials.resolve("shop-cert/tls.key") + ": this private key does not belong to the certificate in "
          + credentials.resolve("shop-cert/tls.crt") + " (CN=shop-renewed); give the key the certificate was issued "
          + "for; the server keeps the certificate it had until this is fixed";
      await().atMost(SEEN_WITHIN).until(() -> gw.certificateProblems().equals(List.of(mismatch)));
      assertThat(presented(gw)).isEqualTo(shop.cert());
      assertThat(admin.get("127.0.0.1", "/config").getContentAsString())
          .contains("\"certificateProblems\"", "tls.credentialName 'shop-cert' file ");

      // Then a key that is not PEM at all.
      secret.update(Map.of("tls.crt", Files.readString(shopRenewed.certificate()), "tls.key", "-----BEGIN PRI"));
      await().atMost(SEEN_WITHIN).until(() -> gw.certificateProblems().equals(List.of(
          "Gateway edge/web spec.servers[0] tls.credentialName 'shop-cert' file " + credentials.resolve("shop-cert/tls.key")
              + " is not a PEM file (no -----BEGIN ...----- block); the server keeps the certificate it had until "
              + "this is fixed")));
      assertThat(presented(gw)).isEqualTo(shop.cert());

      secret.update(MountedSecret.tls(shopRenewed));
      await().atMost(SEEN_WITHIN).untilAsserted(() -> assertThat(presented(gw)).isEqualTo(shopRenewed.cert()));
      assertThat(gw.certificateProblems()).isEmpty();
    }
  }

  /** A file written in two steps is read when it is half there; the next poll reads it again, whole. */
  @Test
  void aHalfWrittenFileIsReadAgainUntilItIsWhole() throws Exception {
    Path certificate = Files.copy(shop.certificate(), dir.resolve("shop.crt"));
    Path key = Files.copy(shop.key(), dir.resolve("shop.key"));
    try (InboardGateway gw = start("{mode: SIMPLE, serverCertificate: " + certificate + ", privateKey: " + key + "}",
        null, POLL)) {
      assertThat(presented(gw)).isEqualTo(shop.cert());

      String renewedKey = Files.readString(shopRenewed.key());
      Files.writeString(key, renewedKey.substring(0, renewedKey.length() / 2));
      Files.copy(shopRenewed.certificate(), certificate, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      String halfKey = "Gateway edge/web spec.servers[0] tls.privateKey " + key;
      // (A poll in the middle of the certificate's copy may first find that file partial.)
      await().atMost(SEEN_WITHIN).until(() -> gw.certificateProblems().size() == 1
          && gw.certificateProblems().get(0).startsWith(halfKey));
      assertThat(gw.certificateProblems().get(0))
          .endsWith("; the server keeps the certificate it had until this is fixed");
      assertThat(presented(gw)).isEqualTo(shop.cert());

      // The rest of the key arrives; its size and time change, and it is read whole.
      Files.writeString(key, renewedKey);
      await().atMost(SEEN_WITHIN).untilAsserted(() -> assertThat(presented(gw)).isEqualTo(shopRenewed.cert()));
      assertThat(gw.certificateProblems()).isEmpty();
    }
  }

  /** An optional secret mounted after the gateway started: its server is served once the files are there. */
  @Test
  void aSecretThatAppearsLaterPutsItsServerInForce() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    try (InboardGateway gw = start("{mode: SIMPLE, credentialName: shop-cert}", credentials, POLL)) {
      await().atMost(SEEN_WITHIN).until(() -> gw.isReady() && !gw.certificateProblems().isEmpty());
      assertThat(gw.certificateProblems().get(0)).endsWith("; the server is left out");
      assertThatThrownBy(() -> presented(gw)).isInstanceOf(IOException.class);

      MountedSecret.mount(credentials, "shop-cert", MountedSecret.tls(shop));
      await().atMost(SEEN_WITHIN).untilAsserted(() -> assertThat(presented(gw)).isEqualTo(shop.cert()));
      assertThat(gw.certificateProblems()).isEmpty();
    }
  }

  /** A poll that finds every file as it was keeps every server's TLS engine as it is. */
  @Test
  void untouchedFilesChangeNothing() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    MountedSecret.mount(credentials, "shop-cert", MountedSecret.tls(shop));
    try (InboardGateway gw = start("{mode: SIMPLE, credentialName: shop-cert}", credentials, Duration.ofMillis(50))) {
      await().atMost(SEEN_WITHIN).until(() -> !gw.httpsServers().served().isEmpty());
      TlsServers before = gw.httpsServers();
      // Twenty polls and more.
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> gw.httpsServers() == before);
      assertThat(presented(gw)).isEqualTo(shop.cert());
    }
  }

  @Test
  void withPollingOffOnlyANewSnapshotReadsTheFiles() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    MountedSecret secret = MountedSecret.mount(credentials, "shop-cert", MountedSecret.tls(shop));
    try (InboardGateway gw = start("{mode: SIMPLE, credentialName: shop-cert}", credentials, Duration.ZERO)) {
      assertThat(presented(gw)).isEqualTo(shop.cert());
      secret.update(MountedSecret.tls(shopRenewed));
      // Five times the interval the other tests see a swap in.
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(presented(gw)).isEqualTo(shop.cert()));
    }
  }

  /** A TLS connection to shop.example.com, handshaken and left open. */
  private static SSLSocket handshake(InboardGateway gw) throws Exception {
    SSLSocket socket = (SSLSocket) certs.client(null).getSocketFactory().createSocket("127.0.0.1", gw.httpsPort());
    socket.setSoTimeout(30_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName("shop.example.com")));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** Sends a request on {@code socket} and returns the answer's head. */
  private static String request(SSLSocket socket) throws IOException {
    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
