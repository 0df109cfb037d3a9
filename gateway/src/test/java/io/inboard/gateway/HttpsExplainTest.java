package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's {@code /explain} for a request arriving on the HTTPS port, over real HTTP to
 * the admin endpoint and checked against the proxy's own answer over real TLS: the SNI selects
 * the HTTPS server and its route table, a crossed {@code Host} is unknown there, an
 * {@code http://} URL of a redirecting server gets the proxy's 301, and an SNI no server accepts
 * or a gateway without an HTTPS port is a 400 that says how to fix it.
 */
class HttpsExplainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path certsDir;
  @TempDir Path dir;

  static TestCertificates certs;
  static TestCertificates.Issued shop;
  static TestCertificates.Issued cart;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(certsDir);
    shop = certs.issue("shop", "EC", "shop.example.com");
    cart = certs.issue("cart", "EC", "cart.example.com");
  }

  /**
   * Gateway {@code edge/web}: shop.example.com on HTTP (redirected) and on HTTPS, cart.example.com
   * on HTTPS; shop answers "secure" to https requests and "plain" otherwise, cart answers "cart".
   */
  private InboardGateway start(boolean withHttpsPort) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [shop.example.com]
            tls: {httpsRedirect: true}
          - port: {number: 443, name: https-shop, protocol: HTTPS}
            hosts: [shop.example.com]
            tls: {mode: SIMPLE, serverCertificate: %s, privateKey: %s}
          - port: {number: 443, name: https-cart, protocol: HTTPS}
            hosts: [cart.example.com]
            tls: {mode: SIMPLE, serverCertificate: %s, privateKey: %s}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: edge}
        spec:
          hosts: [shop.example.com]
          gateways: [web]
          http:
          - match: [{scheme: {exact: https}}]
            directResponse: {status: 200, body: {string: secure}}
          - directResponse: {status: 200, body: {string: plain}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: edge}
        spec:
          hosts: [cart.example.com]
          gateways: [web]
          http:
          - directResponse: {status: 200, body: {string: cart}}
        """.formatted(shop.certificate(), shop.key(), cart.certificate(), cart.key()));
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
    InboardGateway gw = InboardGateway.start(withHttpsPort ? settings.withHttps(0, 443, null) : settings);
    org.awaitility.Awaitility.await().until(gw::isReady);
    return gw;
  }

  private static ContentResponse explain(InboardGateway gw, String query) throws Exception {
    try (TestClient admin = new TestClient(gw.adminPort())) {
      return admin.get("127.0.0.1", "/explain?" + query);
    }
  }

  private static String url(String url) {
    return "url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
  }

  @Test
  void anHttpsUrlIsDecidedByTheServerItsSniSelectsAsTheProxyDecidesIt() throws Exception {
    try (InboardGateway gw = start(true)) {
      ContentResponse answer = explain(gw, url("https://shop.example.com/list?page=2"));
      assertThat(answer.getStatus()).as(answer.getContentAsString()).isEqualTo(200);
      JsonNode explained = JSON.readTree(answer.getContentAsString());
      assertThat(explained.path("httpsServer").asText()).isEqualTo("Gateway edge/web spec.servers[1]");
      assertThat(explained.path("sni").asText()).isEqualTo("shop.example.com");
      assertThat(explained.path("gateway").asText()).isEqualTo("edge/web");
      assertThat(explained.path("matched").path("rule").asInt()).as("the https rule").isEqualTo(0);
      assertThat(explained.path("actions").path("directResponseBody").asText()).isEqualTo("secure");
      HttpsCall proxied = HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "shop.example.com",
          "/list?page=2");
      assertThat(proxied.body()).isEqualTo("secure");

      JsonNode toCart = JSON.readTree(explain(gw, url("https://cart.example.com/")).getContentAsString());
      assertThat(toCart.path("httpsServer").asText()).isEqualTo("Gateway edge/web spec.servers[2]");
      assertThat(toCart.path("actions").path("directResponseBody").asText()).isEqualTo("cart");
    }
  }

  /** As a connection to one HTTPS server does not serve the hosts of another. */
  @Test
  void theHostOfAnotherServerIsUnknownOnTheConnectionOfThisOne() throws Exception {
    try (InboardGateway gw = start(true)) {
      JsonNode crossed = JSON.readTree(explain(gw, url("https://cart.example.com/") + "&sni=shop.example.com")
          .getContentAsString());
      assertThat(crossed.path("status").asInt()).isEqualTo(404);
      assertThat(crossed.path("reason").asText()).startsWith("unknown host 'cart.example.com'");
      assertThat(crossed.path("httpsServer").asText()).isEqualTo("Gateway edge/web spec.servers[1]");
      HttpsCall proxied = HttpsCall.get(certs.client(null), gw.httpsPort(), "shop.example.com", "cart.example.com", "/");
      assertThat(proxied.status()).isEqualTo(404);
      // An HTTP/2 request on that connection (one reused for cart) is answered 421 instead.
      assertThat(crossed.path("http2").asText()).startsWith("421 misdirected request: this connection reached the "
          + "server for [shop.example.com] by its TLS SNI 'shop.example.com', and host 'cart.example.com'");
      assertThat(JSON.readTree(explain(gw, url("https://cart.example.com/")).getContentAsString()).has("http2"))
          .as("no misdirection when the SNI is the host's").isFalse();
    }
  }

  @Test
  void anHttpUrlOfARedirectingServerGetsTheProxysRedirect() throws Exception {
    try (InboardGateway gw = start(true); TestClient http = new TestClient(gw.port())) {
      JsonNode redirect = JSON.readTree(explain(gw, url("http://shop.example.com/cart/../list?page=2"))
          .getContentAsString());
      assertThat(redirect.path("status").asInt()).isEqualTo(301);
      ContentResponse proxied = http.get("shop.example.com", "/cart/../list?page=2");
      assertThat(proxied.getStatus()).isEqualTo(301);
      assertThat(redirect.path("location").asText()).isEqualTo(proxied.getHeaders().get("location"))
          .isEqualTo("https://shop.example.com/list?page=2");
      assertThat(redirect.path("reason").asText()).contains("tls.httpsRedirect");
    }
  }

  @Test
  void anSniThatNoServerAcceptsIsRefusedWithTheServersThatExist() throws Exception {
    try (InboardGateway gw = start(true)) {
      ContentResponse other = explain(gw, url("https://shop.example.com/") + "&sni=other.example.com");
      assertThat(other.getStatus()).isEqualTo(400);
      assertThat(other.getContentAsString()).startsWith("cannot explain: a client sending the SNI 'other.example.com' "
          + "reaches no HTTPS server of this gateway, so its TLS handshake fails; the servers in force are "
          + "Gateway edge/web spec.servers[1] [shop.example.com], Gateway edge/web spec.servers[2] [cart.example.com]")
          .contains("sni=NAME");
      // Clients send no SNI for an IP address, and no server here takes clients without one.
      ContentResponse byAddress = explain(gw, url("https://127.0.0.1/"));
      assertThat(byAddress.getStatus()).isEqualTo(400);
      assertThat(byAddress.getContentAsString()).startsWith("cannot explain: a client sending no SNI reaches no");
      // An SNI belongs to a TLS connection; with an http:// URL it is a mistake.
      ContentResponse plain = explain(gw, url("http://shop.example.com/") + "&sni=shop.example.com");
      assertThat(plain.getStatus()).isEqualTo(400);
      assertThat(plain.getContentAsString()).contains("give an https:// url");
    }
  }

  @Test
  void anHttpsUrlWithoutAnHttpsPortSaysHowToServeIt() throws Exception {
    try (InboardGateway gw = start(false)) {
      ContentResponse answer = explain(gw, url("https://shop.example.com/"));
      assertThat(answer.getStatus()).isEqualTo(400);
      assertThat(answer.getContentAsString()).contains("this gateway has no HTTPS port").contains("--https-port");
    }
  }
}
