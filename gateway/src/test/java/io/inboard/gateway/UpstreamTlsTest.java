package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.core.tls.PemFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DestinationRule's {@code tls} at the gateway, on real TLS over 127.0.0.1: the gateway opens TLS to the
 * instances (SIMPLE), checks their certificates against the rule's CAs and names, sends the request's host
 * (or the rule's {@code sni}) as SNI, presents a client certificate (MUTUAL), answers 503 saying why when a
 * check fails or a file cannot be read, and keeps plain HTTP where no rule asks for TLS.
 */
class UpstreamTlsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REASON = LocalAnswer.REASON_HEADER;

  @TempDir static Path certsDir;
  @TempDir static Path otherDir;
  @TempDir Path dir;

  static TestCertificates certs;
  static TestCertificates other;
  static TestCertificates.Issued gatewayClient;
  static TestCertificates.Issued shopCertificate;
  static TlsUpstream simple;
  static TlsUpstream mutual;
  static EchoUpstream plain;

  @BeforeAll
  static void makeCertificatesAndUpstreams() throws Exception {
    certs = TestCertificates.create(certsDir);
    other = TestCertificates.create(otherDir);
    TestCertificates.Issued shop = certs.issue("shop-upstream", "EC", "shop.example.com", "named.example.com");
    shopCertificate = shop;
    gatewayClient = certs.issue("gateway-client", "RSA");
    simple = new TlsUpstream(shop, null);
    mutual = new TlsUpstream(shop, PemFiles.certificates(certs.caPem).get(0));
    plain = new EchoUpstream("plain-1", Map.of("version", "v1"));
  }

  @AfterAll
  static void stopUpstreams() throws Exception {
    simple.close();
    mutual.close();
    plain.close();
  }

  /**
   * A gateway routing shop.example.com to service shop (its one instance the TLS upstream on
   * {@code shopPort}) under DestinationRule edge/shop with {@code policy} as its trafficPolicy, and
   * mixed.example.com to service mixed: subset v1 the plain upstream, subset v2 the TLS one (with its own
   * {@code tls}), chosen by header {@code x-version}.
   */
  private InboardGateway start(String policy, int shopPort, Path credentials) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [shop.example.com, www.example.com, mixed.example.com, mirrored.example.com]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: edge}
        spec:
          hosts: [shop.example.com, www.example.com]
          gateways: [web]
          http:
          - route: [{destination: {host: shop}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: shop, namespace: edge}
        spec:
          host: shop
          trafficPolicy: %s
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: mixed, namespace: edge}
        spec:
          hosts: [mixed.example.com]
          gateways: [web]
          http:
          - match: [{headers: {x-version: {exact: v2}}}]
            route: [{destination: {host: mixed, subset: v2}}]
          - route: [{destination: {host: mixed, subset: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: mirrored, namespace: edge}
        spec:
          hosts: [mirrored.example.com]
          gateways: [web]
          http:
          - route: [{destination: {host: mixed, subset: v1}}]
            mirror: {host: shop}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: mixed, namespace: edge}
        spec:
          host: mixed
          subsets:
          - {name: v1, labels: {version: v1}}
          - name: v2
            labels: {version: v2}
            trafficPolicy:
              tls: {mode: SIMPLE, caCertificates: %s, subjectAltNames: [shop.example.com]}
        ---
        instances:
        - {id: shop-1, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop}}
        - {id: plain-1, service: mixed, namespace: edge, address: 127.0.0.1, port: %d, labels: {version: v1}}
        - {id: tls-1, service: mixed, namespace: edge, address: 127.0.0.1, port: %d, labels: {version: v2}}
        """.formatted(policy, certs.caPem, shopPort, plain.port(), simple.port()));
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system")
        .withCredentialsPollInterval(Duration.ofMillis(200));
    InboardGateway gw = InboardGateway.start(credentials == null ? settings : settings.withHttps(-1, 443, credentials));
    await().until(gw::isReady);
    return gw;
  }

  private static String tls(String settings) {
    return "{tls: " + settings + "}";
  }

  private static ContentResponse get(InboardGateway gw, String host, String... headers) throws Exception {
    try (TestClient client = new TestClient(gw.port())) {
      return client.get(host, "/list", headers);
    }
  }

  @Test
  void h2UpgradePolicyNegotiatesH2ByAlpnOverTheOriginatedTlsAndPlainRulesKeepHttp11() throws Exception {
    try (TlsUpstream both = new TlsUpstream(certs.issue("shop-h2", "EC", "shop.example.com"), null, true)) {
      String simpleTls = "mode: SIMPLE, caCertificates: " + certs.caPem;
      try (InboardGateway gw = start("{tls: {" + simpleTls + "}, connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}",
          both.port(), null)) {
        ContentResponse answer = get(gw, "shop.example.com");
        assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
        assertThat(TestClient.echo(answer)).containsEntry("protocol", "HTTP/2.0").containsEntry("sni", "shop.example.com")
            .containsEntry("authority", "shop.example.com:443").containsEntry("path", "/list");
      }
      try (InboardGateway gw = start(tls("{" + simpleTls + "}"), both.port(), null)) {
        ContentResponse answer = get(gw, "shop.example.com");
        assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
        assertThat(TestClient.echo(answer)).as("h2 is not offered to an instance the rules keep on HTTP/1.1")
            .containsEntry("protocol", "HTTP/1.1").containsEntry("sni", "shop.example.com");
      }
    }
  }

  @Test
  void simpleWithTheRightCaReachesTheInstanceOverTlsSendingTheHostAsSni() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + "}"), simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      Map<String, String> seen = TestClient.echo(answer);
      assertThat(seen).containsEntry("sni", "shop.example.com").containsEntry("client", "(none)")
          .containsEntry("host", "shop.example.com").containsEntry("path", "/list");
    }
  }

  @Test
  void aCertificateNotSignedByTheRulesCasIsRefusedWith503SayingWhy() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + other.caPem + "}"), simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON))
          .startsWith("upstream connect error: TLS to instance shop-1 failed: its certificate (CN=shop-upstream, "
              + "issued by CN=Inboard Test CA) is not trusted by caCertificates " + other.caPem + ": ")
          .contains("(TLS as DestinationRule edge/shop spec.trafficPolicy.tls says)");
    }
  }

  @Test
  void aCertificateWithoutTheExpectedNamesIsRefused() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem
        + ", subjectAltNames: [billing.example.com, spiffe://cluster.local/ns/edge/sa/billing]}"), simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON)).contains("failed: its certificate names shop.example.com, "
          + "named.example.com, none of subjectAltNames billing.example.com, spiffe://cluster.local/ns/edge/sa/billing");
    }
    // One matching name is enough.
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem
        + ", subjectAltNames: [billing.example.com, named.example.com]}"), simple.port(), null)) {
      assertThat(get(gw, "shop.example.com").getStatus()).isEqualTo(200);
    }
  }

  @Test
  void anExplicitSniIsSentAndTheHostIsNotCheckedAgainstTheCertificate() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + ", sni: named.example.com}"),
        simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(answer)).containsEntry("sni", "named.example.com")
          .containsEntry("host", "shop.example.com");
    }
  }

  @Test
  void aMirrorWhoseRuleHasTlsGetsItsCopyOverTls() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + ", sni: named.example.com}"),
        simple.port(), null)) {
      simple.lastSeen = null;
      ContentResponse answer = get(gw, "mirrored.example.com");
      assertThat(answer.getHeaders().get("x-upstream-instance")).isEqualTo("plain-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> simple.lastSeen != null);
      assertThat(TestClient.echo(simple.lastSeen)).containsEntry("sni", "named.example.com")
          .containsEntry("host", "mirrored.example.com-shadow");
    }
  }

  @Test
  void insecureSkipVerifyAcceptsACertificateNoCaVouchesFor() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, insecureSkipVerify: true}"), simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(answer)).containsEntry("sni", "shop.example.com");
    }
  }

  @Test
  void mutualPresentsTheClientCertificateToAnInstanceThatDemandsOne() throws Exception {
    try (InboardGateway gw = start(tls("{mode: MUTUAL, caCertificates: " + certs.caPem + ", clientCertificate: "
        + gatewayClient.certificate() + ", privateKey: " + gatewayClient.key() + "}"), mutual.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(answer)).containsEntry("client", "CN=gateway-client");
    }
    // SIMPLE presents none, and the instance refuses the handshake.
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + "}"), mutual.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON)).startsWith("upstream connect error: TLS to instance shop-1 failed: ");
    }
  }

  @Test
  void mutualReadsTheClientCertificateFromAMountedCredential() throws Exception {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    Map<String, String> files = new java.util.HashMap<>(MountedSecret.tls(gatewayClient));
    files.put("ca.crt", Files.readString(certs.caPem));
    MountedSecret.mount(credentials, "gateway-client", files);
    try (InboardGateway gw = start(tls("{mode: MUTUAL, credentialName: gateway-client}"), mutual.port(), credentials)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(answer)).containsEntry("client", "CN=gateway-client");
    }
  }

  @Test
  void aSubsetWithItsOwnTlsUsesItWhileTheOtherSubsetStaysOnPlainHttp() throws Exception {
    try (InboardGateway gw = start("{}", simple.port(), null)) {
      ContentResponse tlsAnswer = get(gw, "mixed.example.com", "x-version", "v2");
      assertThat(tlsAnswer.getStatus()).as(tlsAnswer.getContentAsString()).isEqualTo(200);
      assertThat(TestClient.echo(tlsAnswer)).containsEntry("sni", "mixed.example.com");
      ContentResponse plainAnswer = get(gw, "mixed.example.com");
      assertThat(plainAnswer.getStatus()).as(plainAnswer.getContentAsString()).isEqualTo(200);
      assertThat(plainAnswer.getHeaders().get("x-upstream-instance")).isEqualTo("plain-1");
      // And shop, whose rule says nothing of TLS, is sent plain HTTP: its TLS instance refuses that.
      assertThat(get(gw, "shop.example.com").getStatus()).isNotEqualTo(200);
    }
  }

  @Test
  void anUnreadableCaFileAnswers503NamingRuleFieldAndFileUntilItAppears() throws Exception {
    Path later = dir.resolve("later-ca.pem");
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + later + "}"), simple.port(), null)) {
      String problem = "DestinationRule edge/shop spec.trafficPolicy.tls.caCertificates " + later + " does not exist; "
          + "calls to shop.edge.svc.cluster.local are answered 503 until it is fixed";
      assertThat(gw.upstreamTlsProblems()).containsExactly(problem);
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON)).isEqualTo("upstream TLS not possible: " + problem);
      // The rest of the snapshot is in force.
      assertThat(get(gw, "mixed.example.com").getStatus()).isEqualTo(200);

      Files.copy(certs.caPem, later);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(gw, "shop.example.com").getStatus() == 200);
      assertThat(gw.upstreamTlsProblems()).isEmpty();
    }
  }

  @Test
  void explainShowsTheTlsOpenedToThePickedDestination() throws Exception {
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + "}"), simple.port(), null);
        TestClient admin = new TestClient(gw.adminPort())) {
      ContentResponse answer = admin.get("127.0.0.1", "/explain?url="
          + URLEncoder.encode("http://shop.example.com/list", StandardCharsets.UTF_8));
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      JsonNode tls = JSON.readTree(answer.getContentAsString()).path("tlsOrigination");
      assertThat(tls.path("mode").asText()).isEqualTo("SIMPLE");
      assertThat(tls.path("from").asText()).isEqualTo("DestinationRule edge/shop spec.trafficPolicy.tls");
      assertThat(tls.path("sni").asText()).isEqualTo("shop.example.com");
      assertThat(tls.path("verify").asText()).isEqualTo("against caCertificates " + certs.caPem);
      assertThat(tls.path("subjectAltNames").toString()).isEqualTo("[\"shop.example.com\"]");
      assertThat(answer.getContentAsString()).doesNotContain("PRIVATE");
    }
  }

  @Test
  void theHostIsCheckedAgainstTheCertificateWhenNeitherSniNorNamesAreGiven() throws Exception {
    // www.example.com is served by the shop route too, but the instance's certificate does not name it.
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + "}"), simple.port(), null)) {
      assertThat(get(gw, "shop.example.com").getStatus()).isEqualTo(200);
      ContentResponse answer = get(gw, "www.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON)).contains("failed: its certificate names shop.example.com, "
          + "named.example.com, none of the server name sent (the request's host; give subjectAltNames or sni to "
          + "expect others) www.example.com");
    }
  }

  @Test
  void aRevocationListRefusesARevokedInstanceCertificateAndOneThatDoesNotRevokeItLetsItThrough() throws Exception {
    Path revoking = certs.crl("revoking-shop", Duration.ofDays(1), shopCertificate);
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + ", caCrl: " + revoking + "}"),
        simple.port(), null)) {
      ContentResponse answer = get(gw, "shop.example.com");
      assertThat(answer.getStatus()).isEqualTo(503);
      assertThat(answer.getHeaders().get(REASON)).contains("TLS to instance shop-1 failed")
          .containsIgnoringCase("revoked");
    }
    Path notRevoking = certs.crl("revoking-none", Duration.ofDays(1));
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + ", caCrl: " + notRevoking
        + "}"), simple.port(), null)) {
      assertThat(get(gw, "shop.example.com").getStatus()).isEqualTo(200);
    }
    Path expired = certs.crl("expired-list", Duration.ofHours(-2));
    try (InboardGateway gw = start(tls("{mode: SIMPLE, caCertificates: " + certs.caPem + ", caCrl: " + expired + "}"),
        simple.port(), null)) {
      assertThat(get(gw, "shop.example.com").getStatus()).as("a list past its nextUpdate").isEqualTo(503);
    }
  }
}
