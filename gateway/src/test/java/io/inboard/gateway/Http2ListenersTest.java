package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from clients at the gateway's listeners, on real TLS over 127.0.0.1 to real upstreams:
 * {@code h2} by ALPN on the HTTPS port, {@code h2c} with prior knowledge on the plain port, the
 * same routing, header operations, faults, retries, timeouts, CORS, mirroring and metrics as over
 * HTTP/1.1, 421 for a connection reused for another server's host, HTTP/1.1 for TLS settings that
 * HTTP/2 does not accept, and the switch that turns it off. OkHttp is the main client (it resolves
 * the test's host names to 127.0.0.1, reuses h2 connections across hosts its certificate covers,
 * and speaks prior-knowledge h2c); the JDK's client checks ALPN, the headers of an answer as
 * received, and that its {@code Upgrade: h2c} is not taken.
 */
class Http2ListenersTest {
  @TempDir static Path certsDir;
  @TempDir Path dir;

  static TestCertificates certs;
  /** For shop.example.com and admin.example.com: a client may reuse a connection to one for the other. */
  static TestCertificates.Issued shopCert;
  static TestCertificates.Issued legacyCert;
  static TestCertificates.Issued ipCert;
  static TestCertificates.Issued client;
  static EchoUpstream v1;
  static EchoUpstream v2;

  @BeforeAll
  static void makeCertificatesAndUpstreams() throws Exception {
    certs = TestCertificates.create(certsDir);
    shopCert = certs.issue("shop", "EC", "shop.example.com", "admin.example.com");
    legacyCert = certs.issue("legacy", "RSA", "legacy.example.com", "mixed.example.com");
    ipCert = certs.issue("ip", "EC", "ip:127.0.0.1");
    client = certs.issue("client", "EC");
    v1 = new EchoUpstream("shop-v1", Map.of("app", "shop", "version", "v1"));
    v2 = new EchoUpstream("shop-v2", Map.of("app", "shop", "version", "v2"));
  }

  @AfterAll
  static void stopUpstreams() throws Exception {
    v1.close();
    v2.close();
  }

  static String tls(String mode, TestCertificates.Issued issued, String more) {
    return "{mode: " + mode + ", serverCertificate: " + issued.certificate() + ", privateKey: " + issued.key()
        + (mode.equals("MUTUAL") ? ", caCertificates: " + certs.caPem : "") + more + "}";
  }

  /** Gateway edge/web with {@code servers}; every rule of the shop VirtualService, for {@code hosts}. */
  static String mesh(String servers, String hosts) {
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
          hosts: [%s]
          gateways: [web]
          http:
          - name: canary
            match: [{headers: {x-canary: {exact: "yes"}}}]
            route: [{destination: {host: shop, subset: v2}}]
            headers:
              request: {set: {x-added: by-rule}}
              response: {set: {x-answered: by-rule}}
          - name: broken
            match: [{uri: {prefix: /broken}}]
            fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
            route: [{destination: {host: shop, subset: v1}}]
          - name: flaky
            match: [{uri: {prefix: /flaky}}]
            retries: {attempts: 2, retryOn: 5xx}
            route: [{destination: {host: shop, subset: v1}}]
          - name: slow
            match: [{uri: {prefix: /slow}, headers: {x-timeout: {exact: short}}}]
            timeout: 0.3s
            route: [{destination: {host: shop, subset: v1}}]
          - name: mirrored
            match: [{uri: {prefix: /mirrored}}]
            route: [{destination: {host: shop, subset: v1}}]
            mirror: {host: shop, subset: v2}
          - name: split
            corsPolicy:
              allowOrigins: [{exact: "https://app.example.com"}]
              allowMethods: [GET]
            route:
            - {destination: {host: shop, subset: v1}, weight: 50}
            - {destination: {host: shop, subset: v2}, weight: 50}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: shop, namespace: edge}
        spec:
          host: shop
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        instances:
        - {id: shop-v1, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop, version: v1}}
        - {id: shop-v2, service: shop, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: shop, version: v2}}
        """.formatted(servers, hosts, v1.port(), v2.port());
  }

  static String server(String name, int port, String protocol, String hosts, String tls) {
    return HttpsServersTest.server(name, port, protocol, hosts, tls);
  }

  /** Shop and admin (one certificate, two servers), legacy (TLS 1.2, no suite h2 accepts), mixed. */
  static String standardServers() {
    return server("http", 80, "HTTP", "shop.example.com", null)
        + server("https-shop", 443, "HTTPS", "shop.example.com", tls("SIMPLE", shopCert, ""))
        + server("https-admin", 443, "HTTPS", "admin.example.com", tls("MUTUAL", shopCert, ""))
        + server("https-legacy", 443, "HTTPS", "legacy.example.com", tls("SIMPLE", legacyCert,
            ", maxProtocolVersion: TLSV1_2, cipherSuites: [ECDHE-RSA-AES128-SHA]"))
        + server("https-mixed", 443, "HTTPS", "mixed.example.com", tls("SIMPLE", legacyCert,
            ", maxProtocolVersion: TLSV1_2, cipherSuites: [ECDHE-RSA-AES128-SHA, ECDHE-RSA-AES128-GCM-SHA256]"));
  }

  static final String SHOP_HOSTS = "shop.example.com, admin.example.com, legacy.example.com, mixed.example.com";

  InboardGateway start(String yaml, boolean http2) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml);
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system").withHttps(0, 443, null)
        .withHttp2(http2));
  }

  InboardGateway start() throws Exception {
    return start(mesh(standardServers(), SHOP_HOSTS), true);
  }

  /** Each network answer a client got: host, status and protocol, in order. */
  static final class Seen {
    final List<String> answers = Collections.synchronizedList(new ArrayList<>());
  }

  /** An OkHttp client resolving every host to 127.0.0.1, trusting the test CA, presenting {@code certificate} if asked. */
  static OkHttpClient okhttp(TestCertificates.Issued certificate, Seen seen, Protocol... protocols) throws Exception {
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getByName("127.0.0.1")))
        .sslSocketFactory(certs.client(certificate).getSocketFactory(), certs.trust())
        .protocols(List.of(protocols))
        .readTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false);
    if (seen != null) {
      builder.addNetworkInterceptor(chain -> {
        Response response = chain.proceed(chain.request());
        seen.answers.add(chain.request().url().host() + " " + response.code() + " " + response.protocol());
        return response;
      });
    }
    return builder.build();
  }

  static OkHttpClient okhttp(Protocol... protocols) throws Exception {
    return okhttp(null, null, protocols);
  }

  /** What a test compares between HTTP/2 and HTTP/1.1: the answer as the client and the upstream saw it. */
  record Answer(Protocol protocol, int code, Map<String, String> headers, String body) {
    Map<String, String> echo() {
      return TestClient.echo(body);
    }
  }

  static Answer call(OkHttpClient client, String url, String... headerPairs) throws IOException {
    Request.Builder request = new Request.Builder().url(url);
    for (int i = 0; i < headerPairs.length; i += 2) {
      request.header(headerPairs[i], headerPairs[i + 1]);
    }
    return send(client, request.build());
  }

  static Answer send(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      Map<String, String> headers = new java.util.TreeMap<>();
      response.headers().forEach(pair -> headers.putIfAbsent(pair.getFirst().toLowerCase(), pair.getSecond()));
      return new Answer(response.protocol(), response.code(), headers, response.body().string());
    }
  }

  static void close(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Test
  void anHttpsServerNegotiatesH2AndRoutesWithTheRulesAsOverHttp11() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    OkHttpClient h1 = okhttp(Protocol.HTTP_1_1);
    try (InboardGateway gw = start()) {
      String base = "https://shop.example.com:" + gw.httpsPort();
      for (OkHttpClient client : List.of(h2, h1)) {
        Protocol expected = client == h2 ? Protocol.HTTP_2 : Protocol.HTTP_1_1;
        Answer canary = call(client, base + "/list?page=2", "x-canary", "yes");
        assertThat(canary.protocol()).isEqualTo(expected);
        assertThat(canary.code()).isEqualTo(200);
        assertThat(canary.headers()).containsEntry("x-answered", "by-rule");
        assertThat(canary.echo()).containsEntry("instance", "shop-v2").containsEntry("path", "/list")
            .containsEntry("query", "page=2").containsEntry("header x-added", "by-rule")
            .containsEntry("header x-forwarded-proto", "https")
            .containsEntry("header host", "shop.example.com:" + gw.httpsPort())
            .containsKey("header x-request-id");

        Answer broken = call(client, base + "/broken");
        assertThat(broken.protocol()).isEqualTo(expected);
        assertThat(broken.code()).isEqualTo(503);
        assertThat(broken.headers().get("x-inboard-reason")).startsWith("fault injected: abort with 503");

        v1.flakyFailures.set(1);
        Answer retried = call(client, base + "/flaky");
        assertThat(retried.code()).as("one 503, then retried").isEqualTo(200);
        assertThat(retried.echo()).containsEntry("instance", "shop-v1");

        Answer slow = call(client, base + "/slow?ms=5000", "x-timeout", "short");
        assertThat(slow.code()).isEqualTo(504);
        assertThat(slow.headers().get("x-inboard-reason")).contains("300 ms (route timeout)");

        Answer preflight = callOptions(client, base + "/split");
        assertThat(preflight.code()).isEqualTo(200);
        assertThat(preflight.headers()).containsEntry("access-control-allow-origin", "https://app.example.com");
      }
    } finally {
      close(h2);
      close(h1);
    }
  }

  private static Answer callOptions(OkHttpClient client, String url) throws IOException {
    Request request = new Request.Builder().url(url).method("OPTIONS", null)
        .header("origin", "https://app.example.com").header("access-control-request-method", "GET").build();
    return send(client, request);
  }

  /**
   * Many requests on one h2 connection (more per second than any rate limit on streams would let
   * through, were the gateway to count them as abuse): a weighted route still picks per request.
   */
  @Test
  void weightedRoutesAndMirrorsWorkOnOneH2Connection() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    try (InboardGateway gw = start()) {
      String base = "https://shop.example.com:" + gw.httpsPort();
      Set<String> instances = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        Answer answer = call(h2, base + "/split");
        assertThat(answer.protocol()).isEqualTo(Protocol.HTTP_2);
        assertThat(answer.code()).isEqualTo(200);
        instances.add(answer.echo().get("instance"));
      }
      // 50/50: both show up within 300 requests unless the split is broken (chance 2^-299).
      assertThat(instances).containsExactlyInAnyOrder("shop-v1", "shop-v2");
      assertThat(h2.connectionPool().connectionCount()).as("one multiplexed connection").isEqualTo(1);

      Answer mirrored = call(h2, base + "/mirrored?copy=1");
      assertThat(mirrored.echo()).containsEntry("instance", "shop-v1");
      await().atMost(Duration.ofSeconds(10)).until(() -> ("shop.example.com-shadow:" + gw.httpsPort() + "/mirrored")
          .equals(v2.lastHostAndPath));
    } finally {
      close(h2);
    }
  }

  /** As over HTTP/1.1 (GracefulStopTest), a stopping gateway lets a request in flight on an h2 connection finish. */
  @Test
  void anH2RequestInFlightWhenTheGatewayStopsStillGetsItsAnswer() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    InboardGateway gw = start();
    try {
      int before = v1.requests.get() + v2.requests.get();
      String url = "https://shop.example.com:" + gw.httpsPort() + "/slow?ms=1500";
      CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return call(h2, url);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> v1.requests.get() + v2.requests.get() > before);
      gw.close();
      Answer answer = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(answer.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(answer.code()).isEqualTo(200);
      assertThat(answer.echo()).containsEntry("path", "/slow");
    } finally {
      gw.close();
      close(h2);
    }
  }

  @Test
  void metricsCountH2RequestsAsHttpAsIstioDoes() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    try (InboardGateway gw = start(); TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(call(h2, "https://shop.example.com:" + gw.httpsPort() + "/", "x-canary", "yes").code())
          .isEqualTo(200);
      String metrics = admin.get("127.0.0.1", "/metrics").getContentAsString();
      assertThat(metrics).containsPattern("istio_requests_total\\{[^}]*destination_version=\"v2\"[^}]*"
          + "request_protocol=\"http\"[^}]*response_code=\"200\"");
    } finally {
      close(h2);
    }
  }

  /**
   * The answer crosses from HTTP/1.1 to HTTP/2: the upstream's chunked answer with its
   * connection's own headers reaches the h2 client as a body without them. The JDK's client keeps
   * every header it receives, so a {@code connection} header would show.
   */
  @Test
  void theJdkClientNegotiatesH2AndGetsNoHopByHopHeaders() throws Exception {
    String anyHost = server("http-any", 80, "HTTP", "\"*\"", null)
        + server("https-any", 443, "HTTPS", "\"*\"", tls("SIMPLE", ipCert, ""));
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(certs.client(null))
        .connectTimeout(Duration.ofSeconds(10)).build();
    try (InboardGateway gw = start(mesh(anyHost, "\"*\""), true)) {
      HttpResponse<String> answer = jdk.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + gw.httpsPort() + "/hop-by-hop")).header("x-canary", "yes").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("first\nsecond\n");
      assertThat(answer.headers().firstValue("x-end-to-end")).hasValue("kept");
      assertThat(answer.headers().map().keySet())
          .doesNotContain("connection", "keep-alive", "transfer-encoding", "upgrade");
      assertThat(v2.lastHeaders.get("host")).isEqualTo("127.0.0.1:" + gw.httpsPort());
    }
  }

  /**
   * The JDK's client asks a plain port for h2 with {@code Upgrade: h2c}; as Envoy by default, the
   * gateway answers over HTTP/1.1 and sends none of the upgrade's headers upstream.
   */
  @Test
  void anUpgradeToH2cIsServedAsHttp11() throws Exception {
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(10)).build();
    try (InboardGateway gw = start(mesh(server("http-any", 80, "HTTP", "\"*\"", null), "\"*\""), true)) {
      HttpResponse<String> answer = jdk.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + gw.port() + "/plain")).header("x-canary", "yes").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(answer.statusCode()).isEqualTo(200);
      Map<String, String> seen = TestClient.echo(answer.body());
      assertThat(seen).containsEntry("instance", "shop-v2").containsEntry("path", "/plain")
          .doesNotContainKeys("header upgrade", "header http2-settings", "header connection");
    }
  }

  @Test
  void aPlainPortTakesH2cWithPriorKnowledgeBesideHttp11() throws Exception {
    OkHttpClient h2c = okhttp(Protocol.H2_PRIOR_KNOWLEDGE);
    OkHttpClient h1 = okhttp(Protocol.HTTP_1_1);
    try (InboardGateway gw = start()) {
      String url = "http://shop.example.com:" + gw.port() + "/list";
      Answer overH2c = call(h2c, url, "x-canary", "yes");
      assertThat(overH2c.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
      assertThat(overH2c.code()).isEqualTo(200);
      assertThat(overH2c.echo()).containsEntry("instance", "shop-v2").containsEntry("header x-added", "by-rule")
          .containsEntry("header x-forwarded-proto", "http");
      assertThat(call(h2c, "http://shop.example.com:" + gw.port() + "/broken").code()).isEqualTo(503);

      Answer overH1 = call(h1, url, "x-canary", "yes");
      assertThat(overH1.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(overH1.echo()).containsEntry("instance", "shop-v2");
    } finally {
      close(h2c);
      close(h1);
    }
  }

  /**
   * OkHttp reuses its h2 connection to shop.example.com for admin.example.com (same address, and
   * the certificate covers both); admin is another server (MUTUAL), so the gateway answers 421 and
   * the client opens a connection of its own, presenting its certificate.
   */
  @Test
  void aCoalescedRequestForAnotherServersHostGets421() throws Exception {
    Seen seen = new Seen();
    OkHttpClient h2 = okhttp(client, seen, Protocol.HTTP_2, Protocol.HTTP_1_1);
    try (InboardGateway gw = start(); TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(call(h2, "https://shop.example.com:" + gw.httpsPort() + "/").code()).isEqualTo(200);
      Answer toAdmin = call(h2, "https://admin.example.com:" + gw.httpsPort() + "/");
      assertThat(toAdmin.code()).isEqualTo(200);
      assertThat(seen.answers).containsExactly("shop.example.com 200 h2", "admin.example.com 421 h2",
          "admin.example.com 200 h2");
      assertThat(h2.connectionPool().connectionCount()).isEqualTo(2);
      assertThat(admin.get("127.0.0.1", "/metrics").getContentAsString())
          .containsPattern("istio_requests_total\\{[^}]*response_code=\"421\"");
    } finally {
      close(h2);
    }
  }

  /** The 421 itself, as a client that does not coalesce on its own meets it: the SNI of one host, the authority of another. */
  @Test
  void theAuthorityMustSelectTheServerTheSniSelected() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    try (InboardGateway gw = start()) {
      Answer misdirected = callWithAuthority(h2, gw.httpsPort(), "shop.example.com", "admin.example.com");
      assertThat(misdirected.code()).isEqualTo(421);
      assertThat(misdirected.headers().get("x-inboard-reason")).contains("misdirected request")
          .contains("'shop.example.com'").contains("'admin.example.com'");
      assertThat(callWithAuthority(h2, gw.httpsPort(), "shop.example.com", "other.example.com").code())
          .as("a host no server takes").isEqualTo(421);
      assertThat(callWithAuthority(h2, gw.httpsPort(), "shop.example.com", "SHOP.example.com.").code())
          .as("the same host, another spelling").isEqualTo(200);
    } finally {
      close(h2);
    }
  }

  /**
   * Connects with SNI {@code sni} and sends {@code :authority} {@code authority}: OkHttp sets both
   * from the URL, so the URL names {@code sni} and an interceptor rewrites the request's host
   * after the connection is chosen.
   */
  private static Answer callWithAuthority(OkHttpClient client, int port, String sni, String authority)
      throws IOException {
    OkHttpClient crossing = client.newBuilder().addNetworkInterceptor(chain -> chain.proceed(
        chain.request().newBuilder().header("Host", authority + ":" + port).build())).build();
    return call(crossing, "https://" + sni + ":" + port + "/");
  }

  /**
   * HTTP/2 needs TLS 1.2+ with a suite outside RFC 7540's list: a server that cannot have one is
   * not offered h2, and a connection that negotiated a listed suite speaks HTTP/1.1; either way
   * the handshake and the request succeed.
   */
  @Test
  void tlsSettingsThatH2DoesNotAcceptFallBackToHttp11() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    ConnectionSpec cbcOnly = new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
        .tlsVersions(TlsVersion.TLS_1_2).cipherSuites(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA).build();
    OkHttpClient offeringCbc = h2.newBuilder().connectionSpecs(List.of(cbcOnly)).build();
    try (InboardGateway gw = start(); TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(admin.get("127.0.0.1", "/config").getContentAsString())
          .contains("[legacy.example.com] SIMPLE alpn http/1.1\"", "[mixed.example.com] SIMPLE alpn h2,http/1.1\"");
      Answer legacy = call(h2, "https://legacy.example.com:" + gw.httpsPort() + "/", "x-canary", "yes");
      assertThat(legacy.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(legacy.code()).isEqualTo(200);
      assertThat(legacy.echo()).containsEntry("instance", "shop-v2");

      // mixed allows a GCM suite too: h2 for a client that can use it, HTTP/1.1 for one that cannot.
      assertThat(call(h2, "https://mixed.example.com:" + gw.httpsPort() + "/").protocol()).isEqualTo(Protocol.HTTP_2);
      Answer cbc = call(offeringCbc, "https://mixed.example.com:" + gw.httpsPort() + "/");
      assertThat(cbc.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(cbc.code()).isEqualTo(200);
    } finally {
      close(h2);
      close(offeringCbc);
    }
  }

  @Test
  void http2FalseServesHttp11Only() throws Exception {
    OkHttpClient h2 = okhttp(Protocol.HTTP_2, Protocol.HTTP_1_1);
    OkHttpClient h2c = okhttp(Protocol.H2_PRIOR_KNOWLEDGE);
    try (InboardGateway gw = start(mesh(standardServers(), SHOP_HOSTS), false)) {
      Answer overTls = call(h2, "https://shop.example.com:" + gw.httpsPort() + "/", "x-canary", "yes");
      assertThat(overTls.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(overTls.echo()).containsEntry("instance", "shop-v2");
      assertThat(gw.httpsServers().served()).allSatisfy(s -> assertThat(s.tls().offersH2()).isFalse());
      assertThatThrownBy(() -> call(h2c, "http://shop.example.com:" + gw.port() + "/"))
          .isInstanceOf(IOException.class);
    } finally {
      close(h2);
      close(h2c);
    }
  }
}
