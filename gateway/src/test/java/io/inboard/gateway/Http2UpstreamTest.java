package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which HTTP version the gateway speaks to instances, against a real Jetty instance on 127.0.0.1 that
 * speaks HTTP/1.1 and h2c on one port and says which it was spoken to in: HTTP/1.1 by default,
 * HTTP/2 with {@code h2UpgradePolicy: UPGRADE}, the client's with {@code useClientProtocol}, HTTP/2
 * through an {@code HTTP2} server unless {@code DO_NOT_UPGRADE}; trailers both ways, a body streamed
 * over h2c, {@code grpc-timeout} as the route timeout; {@code /explain} and {@code /config} say which.
 */
class Http2UpstreamTest {
  @TempDir static Path dir;
  private static H2cUpstream upstream;
  private static InboardGateway gateway;
  private static OkHttpClient h2c;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [plain.example.com, upgraded.example.com, client.example.com]
        - port: {number: 80, name: http2, protocol: HTTP2}
          hosts: [h2.example.com, kept.example.com]
      """ + route("plain") + route("upgraded") + route("client") + route("h2") + route("kept")
      + destinationRule("upgraded", "h2UpgradePolicy: UPGRADE") + destinationRule("client", "useClientProtocol: true")
      + destinationRule("kept", "h2UpgradePolicy: DO_NOT_UPGRADE") + "---\ninstances:\n";

  /** A DestinationRule for {@code service} whose {@code connectionPool.http} is {@code http} (YAML flow). */
  private static String destinationRule(String service, String http) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: %1$s, namespace: shop}
        spec:
          host: %1$s
          trafficPolicy: {connectionPool: {http: {%2$s}}}
        """.formatted(service, http);
  }

  private static String route(String service) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %1$s, namespace: shop}
        spec:
          hosts: [%1$s.example.com]
          gateways: [gw]
          http:
          - route: [{destination: {host: %1$s}}]
            timeout: 5s
        """.formatted(service);
  }

  @BeforeAll
  static void start() throws Exception {
    upstream = new H2cUpstream();
    StringBuilder yaml = new StringBuilder(RULES);
    for (String service : new String[] {"plain", "upgraded", "client", "h2", "kept"}) {
      yaml.append("- {id: ").append(service).append("-1, service: ").append(service)
          .append(", namespace: shop, address: 127.0.0.1, port: ").append(upstream.port()).append("}\n");
    }
    gateway = UserServiceMesh.start(dir, yaml.toString());
    h2c = new OkHttpClient.Builder()
        .dns(host -> List.of(InetAddress.getByName("127.0.0.1")))
        .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
        .readTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    Http2ListenersTest.close(h2c);
    gateway.close();
    upstream.close();
  }

  private static Map<String, String> viaHttp11(String host, String path) throws Exception {
    try (TestClient client = new TestClient(gateway.port())) {
      ContentResponse response = client.get(host, path);
      assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
      return TestClient.echo(response);
    }
  }

  private static Map<String, String> viaH2c(String host, String path) throws Exception {
    Http2ListenersTest.Answer answer = Http2ListenersTest.call(h2c, "http://" + host + ":" + gateway.port() + path);
    assertThat(answer.protocol()).isEqualTo(Protocol.H2_PRIOR_KNOWLEDGE);
    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    return answer.echo();
  }

  @Test
  void aPlainRequestStaysHttp11WhateverTheClientSpoke() throws Exception {
    assertThat(viaHttp11("plain.example.com", "/")).containsEntry("protocol", "HTTP/1.1");
    assertThat(viaH2c("plain.example.com", "/")).containsEntry("protocol", "HTTP/1.1");
  }

  @Test
  void h2UpgradePolicyUpgradeSendsAnHttp11ClientsRequestOverH2c() throws Exception {
    Map<String, String> echo = viaHttp11("upgraded.example.com", "/list");
    assertThat(echo).containsEntry("protocol", "HTTP/2.0")
        .as("the client's host as :authority, not the instance's address").containsEntry("host", "upgraded.example.com:80");
  }

  @Test
  void useClientProtocolKeepsEachClientsVersion() throws Exception {
    assertThat(viaHttp11("client.example.com", "/")).containsEntry("protocol", "HTTP/1.1");
    assertThat(viaH2c("client.example.com", "/")).containsEntry("protocol", "HTTP/2.0");
  }

  @Test
  void anHttp2ServersRequestsGoOverH2cUnlessTheRuleSaysDoNotUpgrade() throws Exception {
    assertThat(viaHttp11("h2.example.com", "/")).containsEntry("protocol", "HTTP/2.0");
    assertThat(viaHttp11("kept.example.com", "/")).containsEntry("protocol", "HTTP/1.1");
  }

  @Test
  void trailersPassBothWaysAndABodyStreamsOverH2c() throws Exception {
    byte[] body = new byte[300_000];
    Request request = new Request.Builder()
        .url("http://h2.example.com:" + gateway.port() + "/trailers")
        .header("te", "trailers")
        .post(new RequestBody() {
          @Override
          public MediaType contentType() {
            return MediaType.get("application/octet-stream");
          }

          @Override
          public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
            sink.write(body);
          }
        })
        .build();
    try (Response response = h2c.newCall(request).execute()) {
      Map<String, String> echo = TestClient.echo(response.body().string());
      assertThat(echo).containsEntry("protocol", "HTTP/2.0").containsEntry("bytes", "300000")
          .containsEntry("te", "trailers");
      Headers trailers = response.trailers();
      assertThat(trailers.get("x-checksum")).as("the instance's trailer reaches the client").isEqualTo("c0ffee");
    }
    // An HTTP/1.1 client gets the trailers in a chunked answer's trailer section.
    try (TestClient client = new TestClient(gateway.port())) {
      ContentResponse response = client.request("h2.example.com", "/trailers")
          .headers(h -> h.put("te", "trailers")).send();
      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(response.getTrailers()).isNotNull();
      assertThat(response.getTrailers().get("x-checksum")).isEqualTo("c0ffee");
    }
  }

  @Test
  void aGrpcTimeoutShorterThanTheRulesTimeoutEndsTheCallWithUnavailable() throws Exception {
    Request call = new Request.Builder()
        .url("http://plain.example.com:" + gateway.port() + "/slow?ms=1500")
        .header("grpc-timeout", "200m")
        .header("te", "trailers")
        .post(RequestBody.create(new byte[] {0, 0, 0, 0, 0}, MediaType.get("application/grpc")))
        .build();
    long start = System.nanoTime();
    try (Response response = h2c.newCall(call).execute()) {
      response.body().bytes();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("content-type")).isEqualTo("application/grpc");
      assertThat(response.header("grpc-status")).isEqualTo("14");
      assertThat(response.header("grpc-message")).startsWith("upstream request timeout").contains("200 ms (grpc-timeout)");
      assertThat(millis).as("ended by grpc-timeout, not the rule's 5 s").isLessThan(1400);
    }
  }

  @Test
  void explainAndConfigSayWhichProtocolADestinationGets() throws Exception {
    assertThat(explain("http://upgraded.example.com/").path("upstreamProtocol").asText())
        .isEqualTo("HTTP/2: h2UpgradePolicy: UPGRADE");
    assertThat(explain("http://plain.example.com/").path("upstreamProtocol").asText())
        .isEqualTo("HTTP/1.1: the default");
    assertThat(explain("http://plain.example.com/&header=content-type:application/grpc").path("upstreamProtocol")
        .asText()).isEqualTo("HTTP/2: a gRPC request (content-type application/grpc)");
    assertThat(explain("http://client.example.com/&http2=true").path("upstreamProtocol").asText())
        .isEqualTo("HTTP/2: the client's protocol (useClientProtocol: true)");
    assertThat(explain("http://h2.example.com/").path("upstreamProtocol").asText())
        .isEqualTo("HTTP/2: the Gateway server is HTTP2 or GRPC");

    JsonNode protocols = JSON.readTree(admin("/config")).path("upstreamProtocols");
    assertThat(protocols.path("http2Servers")).extracting(JsonNode::asText)
        .containsExactly("h2.example.com", "kept.example.com");
    assertThat(protocols.path("destinations").path("upgraded.shop.svc.cluster.local").asText())
        .isEqualTo("HTTP/2 (h2UpgradePolicy: UPGRADE)");
    assertThat(protocols.path("destinations").path("kept.shop.svc.cluster.local").asText())
        .isEqualTo("HTTP/1.1 (h2UpgradePolicy: DO_NOT_UPGRADE)");
    assertThat(protocols.path("destinations").path("client.shop.svc.cluster.local").asText())
        .isEqualTo("the client's protocol (useClientProtocol: true)");
  }

  private static JsonNode explain(String urlAndParameters) throws Exception {
    int amp = urlAndParameters.indexOf('&');
    String url = amp < 0 ? urlAndParameters : urlAndParameters.substring(0, amp);
    String rest = amp < 0 ? "" : urlAndParameters.substring(amp);
    return JSON.readTree(admin("/explain?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + rest));
  }

  private static String admin(String pathAndQuery) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.adminPort() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
