package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.inboard.core.model.GatewayPort;
import io.inboard.core.model.Server;
import io.inboard.core.model.ServerTLSSettings;
import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway HTTPS servers terminated by the gateway, on real TLS over 127.0.0.1 to a real upstream,
 * with certificates made by {@code keytool} when the tests start: SNI chooses the certificate,
 * each server routes its own hosts, {@code MUTUAL} demands a client certificate, TLS versions are
 * held per server, {@code httpsRedirect} sends plain-HTTP clients to HTTPS, and certificates
 * change with the snapshot while a bad one takes nothing down.
 */
class HttpsServersTest {
  @TempDir static Path certsDir;
  @TempDir Path dir;

  static TestCertificates certs;
  static TestCertificates.Issued shopA;
  static TestCertificates.Issued shopA2;
  static TestCertificates.Issued cartB;
  static TestCertificates.Issued client;
  /** A client certificate the test CA did not sign. */
  static TestCertificates.Issued stranger;
  static Path credentials;
  static EchoUpstream shop;

  @BeforeAll
  static void makeCertificatesAndUpstream() throws Exception {
    certs = TestCertificates.create(certsDir);
    shopA = certs.issue("shop", "EC", "shop.example.com", "admin.example.com");
    shopA2 = certs.issue("shop-renewed", "EC", "shop.example.com", "admin.example.com");
    cartB = certs.issue("cart", "RSA", "cart.example.com");
    client = certs.issue("client", "EC");
    stranger = certs.selfSigned("stranger");
    // cart's certificate as a mounted Kubernetes TLS secret named cart-cert.
    credentials = Files.createDirectories(certsDir.resolve("credentials"));
    Path secret = Files.createDirectories(credentials.resolve("cart-cert"));
    Files.copy(cartB.certificate(), secret.resolve("tls.crt"));
    Files.copy(cartB.key(), secret.resolve("tls.key"));
    shop = new EchoUpstream("shop-1", Map.of("app", "shop"));
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    shop.close();
  }

  static String server(String name, int port, String protocol, String hosts, String tls) {
    return """
          - port: {number: %d, name: %s, protocol: %s}
            hosts: [%s]
        """.formatted(port, name, protocol, hosts) + (tls == null ? "" : "    tls: " + tls + "\n");
  }

  static String files(String mode, TestCertificates.Issued issued) {
    return "{mode: " + mode + ", serverCertificate: " + issued.certificate() + ", privateKey: " + issued.key()
        + (mode.contains("MUTUAL") ? ", caCertificates: " + certs.caPem : "") + "}";
  }

  /** One Gateway {@code edge/web} with {@code servers}, and a VirtualService routing every host to shop. */
  static String mesh(String servers) {
    return mesh(servers, shop.port());
  }

  /** The same with the shop instance listening on {@code shopPort}. */
  static String mesh(String servers, int shopPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
        %s---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: edge}
        spec:
          hosts: ["*.example.com"]
          gateways: [web]
          http:
          - route: [{destination: {host: shop}}]
        ---
        instances:
        - {id: shop-1, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop}}
        """.formatted(servers, shopPort);
  }

  static String standardServers() {
    return server("http", 80, "HTTP", "shop.example.com", "{httpsRedirect: true}")
        + server("http-plain", 80, "HTTP", "plain.example.com", null)
        + server("https-shop", 443, "HTTPS", "shop.example.com", files("SIMPLE", shopA))
        // httpsRedirect on an HTTPS server is met by its TLS: no redirect there.
        + server("https-cart", 443, "HTTPS", "cart.example.com",
            "{mode: SIMPLE, credentialName: cart-cert, httpsRedirect: true}")
        + server("https-admin", 443, "HTTPS", "admin.example.com", files("MUTUAL", shopA))
        + server("https-optional", 443, "HTTPS", "optional.example.com", files("OPTIONAL_MUTUAL", shopA))
        + server("https-strict", 443, "HTTPS", "strict.example.com",
            "{mode: SIMPLE, credentialName: cart-cert, minProtocolVersion: TLSV1_3}");
  }

  InboardGateway start(String servers) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), mesh(servers));
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system").withHttps(0, 443, credentials));
  }

  /** Rewrites the standalone file and waits until the gateway has put it in force. */
  void edit(InboardGateway gw, String servers) throws Exception {
    long before = gw.revision();
    Files.writeString(dir.resolve("mesh.yaml"), mesh(servers));
    await().atMost(Duration.ofSeconds(10)).until(() -> gw.revision() > before);
  }

  @Test
  void routesOverHttpsWithTheCertificateOfTheServerTheSniNames() throws Exception {
    SSLContext tls = certs.client(null);
    try (InboardGateway gw = start(standardServers())) {
      HttpsCall toShop = HttpsCall.get(tls, gw.httpsPort(), "shop.example.com", "shop.example.com", "/list?page=2");
      assertThat(toShop.status()).as(toShop.body()).isEqualTo(200);
      assertThat(toShop.certificateHosts()).contains("shop.example.com");
      assertThat(toShop.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
      Map<String, String> seen = toShop.echo();
      assertThat(seen).containsEntry("instance", "shop-1").containsEntry("path", "/list")
          .containsEntry("query", "page=2")
          .containsEntry("header host", "shop.example.com")
          .containsEntry("header x-forwarded-proto", "https");

      // The other server's certificate (RSA, from the credential directory) for the other name; a
      // client of its own, as clients keep TLS sessions per host name (the JDK's, keyed by address
      // here, would resume the first session and send its SNI again).
      HttpsCall toCart = HttpsCall.get(certs.client(null), gw.httpsPort(), "cart.example.com", "cart.example.com", "/");
      assertThat(toCart.status()).isEqualTo(200);
      assertThat(toCart.certificateHosts()).containsExactly("cart.example.com");
      assertThat(toCart.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }
  }

  /** As Istio gives each HTTPS server a route table of its own: the SNI's server routes only its hosts. */
  @Test
  void aConnectionToOneServerDoesNotServeTheHostsOfAnother() throws Exception {
    try (InboardGateway gw = start(standardServers())) {
      HttpsCall crossed = HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "cart.example.com", "/");
      assertThat(crossed.status()).isEqualTo(404);
      assertThat(crossed.headers().get("x-inboard-reason")).contains("unknown host 'cart.example.com'");
    }
  }

  /** As Envoy closes a connection that matches no filter chain: no certificate for a name no server has. */
  @Test
  void anSniThatNoServerAcceptsFailsTheHandshake() throws Exception {
    try (InboardGateway gw = start(standardServers())) {
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), "other.example.com",
          "other.example.com", "/")).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), null, "shop.example.com", "/"))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void httpsRedirectAnswers301ToTheSameHostAndPath() throws Exception {
    try (InboardGateway gw = start(standardServers()); TestClient http = new TestClient(gw.port())) {
      ContentResponse redirected = http.get("shop.example.com", "/cart/../list?page=2");
      assertThat(redirected.getStatus()).isEqualTo(301);
      assertThat(redirected.getHeaders().get("location")).isEqualTo("https://shop.example.com/list?page=2");
      assertThat(shop.requests.get()).as("nothing reaches the upstream").isZero();

      // A host of an HTTP server without httpsRedirect is routed as before.
      ContentResponse plain = http.get("plain.example.com", "/");
      assertThat(plain.getStatus()).isEqualTo(200);
      assertThat(TestClient.echo(plain)).containsEntry("header x-forwarded-proto", "http");
    } finally {
      shop.requests.set(0);
    }
  }

  @Test
  void mutualRequiresAClientCertificateSignedByItsCa() throws Exception {
    try (InboardGateway gw = start(standardServers())) {
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), "admin.example.com",
          "admin.example.com", "/")).isInstanceOf(IOException.class);

      HttpsCall withCertificate = HttpsCall.get(certs.client(client), gw.httpsPort(), "admin.example.com",
          "admin.example.com", "/");
      assertThat(withCertificate.status()).isEqualTo(200);
      assertThat(withCertificate.echo()).containsEntry("instance", "shop-1");

      // The SIMPLE servers on the same port still serve clients without a certificate.
      assertThat(HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com", "/")
          .status()).isEqualTo(200);
    }
  }

  @Test
  void aClientCertificateIsCheckedAgainstTheServersCas() throws Exception {
    try (InboardGateway gw = start(standardServers())) {
      assertThatThrownBy(() -> HttpsCall.get(certs.client(stranger), gw.httpsPort(), "admin.example.com",
          "admin.example.com", "/")).isInstanceOf(IOException.class);
      // OPTIONAL_MUTUAL: no certificate is fine, one from the CA is fine, one from elsewhere is not.
      assertThat(HttpsCall.get(certs.client(null), gw.httpsPort(), "optional.example.com", "optional.example.com",
          "/").status()).isEqualTo(200);
      assertThat(HttpsCall.get(certs.client(client), gw.httpsPort(), "optional.example.com", "optional.example.com",
          "/").status()).isEqualTo(200);
      assertThatThrownBy(() -> HttpsCall.get(certs.client(stranger), gw.httpsPort(), "optional.example.com",
          "optional.example.com", "/")).isInstanceOf(IOException.class);
    }
  }

  /** A server with host {@code *} takes every SNI, and clients that send none. */
  @Test
  void aServerForEveryHostTakesClientsWithoutSni() throws Exception {
    try (InboardGateway gw = start(server("https-any", 443, "HTTPS", "\"*\"", files("SIMPLE", shopA)))) {
      HttpsCall noSni = HttpsCall.get(certs.client(null), gw.httpsPort(), null, "shop.example.com", "/");
      assertThat(noSni.status()).isEqualTo(200);
      assertThat(noSni.certificate()).isEqualTo(shopA.cert());
      assertThat(HttpsCall.get(certs.client(null), gw.httpsPort(), "cart.example.com", "cart.example.com", "/")
          .status()).isEqualTo(200);
    }
  }

  @Test
  void eachServerHoldsClientsToItsOwnTlsVersions() throws Exception {
    try (InboardGateway gw = start(standardServers())) {
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), "strict.example.com",
          "strict.example.com", "/", "TLSv1.2")).isInstanceOf(IOException.class);
      HttpsCall strict = HttpsCall.get(certs.client(null), gw.httpsPort(), "strict.example.com",
          "strict.example.com", "/", "TLSv1.2", "TLSv1.3");
      assertThat(strict.status()).isEqualTo(200);
      assertThat(strict.protocol()).isEqualTo("TLSv1.3");

      HttpsCall lenient = HttpsCall.get(certs.client(null), gw.httpsPort(), "cart.example.com",
          "cart.example.com", "/", "TLSv1.2");
      assertThat(lenient.status()).isEqualTo(200);
      assertThat(lenient.protocol()).isEqualTo("TLSv1.2");
    }
  }

  /** A server's cipherSuites (Envoy's names) are the port's include list for TLS 1.2. */
  @Test
  void cipherSuitesLimitWhatTls12ClientsMayUse() throws Exception {
    try (InboardGateway gw = start(server("https-shop", 443, "HTTPS", "shop.example.com",
        "{mode: SIMPLE, serverCertificate: " + shopA.certificate() + ", privateKey: " + shopA.key()
            + ", cipherSuites: [ECDHE-ECDSA-AES128-GCM-SHA256]}"))) {
      HttpsCall allowed = HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com",
          "/", "TLSv1.2");
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.protocol()).isEqualTo("TLSv1.2");
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com",
          "shop.example.com", "/", parameters -> {
            parameters.setProtocols(new String[] {"TLSv1.2"});
            parameters.setCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
          })).isInstanceOf(IOException.class);
      // TLS 1.3's suites are not Envoy's to configure; they stay on.
      assertThat(HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com", "/",
          "TLSv1.3").status()).isEqualTo(200);
    }
  }

  @Test
  void aBadCertificateLeavesOnlyItsServerOutAndSaysWhere() throws Exception {
    Path garbage = Files.writeString(dir.resolve("broken.key"), "not a key\n");
    String servers = server("https-shop", 443, "HTTPS", "shop.example.com", files("SIMPLE", shopA))
        + server("https-cart", 443, "HTTPS", "cart.example.com",
            "{mode: SIMPLE, serverCertificate: " + cartB.certificate() + ", privateKey: " + garbage + "}")
        + server("https-gone", 443, "HTTPS", "gone.example.com", "{mode: SIMPLE, credentialName: no-such-secret}")
        + server("https-mixed", 443, "HTTPS", "mixed.example.com",
            "{mode: SIMPLE, serverCertificate: " + cartB.certificate() + ", privateKey: " + shopA.key() + "}");
    try (InboardGateway gw = start(servers); TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(gw.certificateProblems()).containsExactly(
          "Gateway edge/web spec.servers[1] tls.privateKey " + garbage
              + " is not a PEM file (no -----BEGIN ...----- block); the server is left out",
          "Gateway edge/web spec.servers[2] tls.credentialName 'no-such-secret': neither "
              + credentials.resolve("no-such-secret/tls.crt") + " nor " + credentials.resolve("no-such-secret/cert")
              + " exists; put the secret's files there (a Kubernetes TLS secret mounted at "
              + credentials.resolve("no-such-secret") + "); the server is left out",
          "Gateway edge/web spec.servers[3] tls.privateKey " + shopA.key() + ": this private key does not belong "
              + "to the certificate in " + cartB.certificate() + " (CN=cart); give the key the certificate was "
              + "issued for; the server is left out");
      assertThat(admin.get("127.0.0.1", "/config").getContentAsString())
          .contains("\"certificateProblems\"", "Gateway edge/web spec.servers[0] [shop.example.com] SIMPLE");

      assertThat(HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com", "/")
          .status()).isEqualTo(200);
      assertThatThrownBy(() -> HttpsCall.get(certs.client(null), gw.httpsPort(), "cart.example.com",
          "cart.example.com", "/")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aCredentialNameNeedsTheCredentialsDirectory() {
    ServerTLSSettings tls = new ServerTLSSettings(false, "SIMPLE", null, null, null, "shop-cert", null, null, null);
    GatewayServer server = new GatewayServer("edge/web", "edge", List.of("shop.example.com"),
        new Server(new GatewayPort(443, "https", "HTTPS"), List.of("shop.example.com"), null, tls),
        "Gateway edge/web spec.servers[0]");
    assertThatThrownBy(() -> TlsServer.load(server, null, true)).hasMessage("Gateway edge/web spec.servers[0] "
        + "tls.credentialName 'shop-cert': the gateway has no --credentials-dir to find it in; start it with "
        + "--credentials-dir DIR where DIR/shop-cert/ holds tls.crt and tls.key (a mounted Kubernetes TLS secret); "
        + "the server is left out");
  }

  @Test
  void aNewSnapshotSwapsTheCertificateAndABadOneKeepsTheLastGood() throws Exception {
    SSLContext tls = certs.client(null);
    try (InboardGateway gw = start(server("https-shop", 443, "HTTPS", "shop.example.com", files("SIMPLE", shopA)))) {
      assertThat(HttpsCall.get(tls, gw.httpsPort(), "shop.example.com", "shop.example.com", "/").certificate())
          .isEqualTo(shopA.cert());

      edit(gw, server("https-shop", 443, "HTTPS", "shop.example.com", files("SIMPLE", shopA2)));
      HttpsCall renewed = HttpsCall.get(tls, gw.httpsPort(), "shop.example.com", "shop.example.com", "/");
      assertThat(renewed.certificate()).isEqualTo(shopA2.cert());
      assertThat(renewed.status()).isEqualTo(200);

      Path missing = dir.resolve("missing.crt");
      edit(gw, server("https-shop", 443, "HTTPS", "shop.example.com",
          "{mode: SIMPLE, serverCertificate: " + missing + ", privateKey: " + shopA.key() + "}"));
      assertThat(gw.certificateProblems()).containsExactly("Gateway edge/web spec.servers[0] tls.serverCertificate "
          + missing + " does not exist; the server keeps the certificate it had until this is fixed");
      HttpsCall kept = HttpsCall.get(tls, gw.httpsPort(), "shop.example.com", "shop.example.com", "/");
      assertThat(kept.certificate()).isEqualTo(shopA2.cert());
      assertThat(kept.status()).isEqualTo(200);
    }
  }
}
