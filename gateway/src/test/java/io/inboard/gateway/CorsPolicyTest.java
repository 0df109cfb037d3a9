package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VirtualService's {@code corsPolicy} through the real gateway and router, from a standalone
 * file, in front of a real upstream on 127.0.0.1: what a browser's preflight and actual requests
 * get, and what reaches the destination.
 */
class CorsPolicyTest {
  private static final String HOST = "api.example.com";
  private static final String APP = "https://app.example.com";
  private static final String EVIL = "https://evil.example.net";

  @TempDir Path dir;
  private EchoUpstream upstream;
  private InboardGateway gateway;
  private TestClient client;

  @BeforeEach
  void start() throws Exception {
    upstream = new EchoUpstream("web-1", Map.of("version", "v1"));
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [%1$s]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: edge}
        spec:
          hosts: [%1$s]
          gateways: [gw]
          http:
          - name: ignore
            match: [{uri: {prefix: /ignore}}]
            route: [{destination: {host: web}}]
            corsPolicy:
              allowOrigins: [{exact: "%2$s"}]
              allowMethods: [GET]
              maxAge: 60s
              unmatchedPreflights: IGNORE
          - name: patterns
            match: [{uri: {prefix: /patterns}}]
            route: [{destination: {host: web}}]
            corsPolicy:
              allowOrigins:
              - prefix: "http://localhost:"
              - regex: "https://[a-z]+\\\\.example\\\\.org"
          - name: abort
            match: [{uri: {prefix: /abort}}]
            route: [{destination: {host: web}}]
            fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
            corsPolicy: {allowOrigins: [{exact: "%2$s"}]}
          - name: ghost
            match: [{uri: {prefix: /ghost}}]
            route: [{destination: {host: ghost}}]
            corsPolicy: {allowOrigins: [{exact: "*"}], allowHeaders: ["*"]}
          - name: plain
            match: [{uri: {prefix: /plain}}]
            route: [{destination: {host: web}}]
          - name: api
            route: [{destination: {host: web}}]
            corsPolicy:
              allowOrigins: [{exact: "%2$s"}]
              allowMethods: [GET, PUT]
              allowHeaders: [content-type, x-token]
              exposeHeaders: [x-upstream-instance]
              maxAge: 1h
              allowCredentials: true
        ---
        instances:
        - {id: web-1, service: web, namespace: edge, address: 127.0.0.1, port: %3$d, labels: {version: v1}}
        """.formatted(HOST, APP, upstream.port());
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml);
    gateway = InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system"));
    client = new TestClient(gateway.port());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    gateway.close();
    upstream.close();
  }

  private ContentResponse preflight(String path, String origin) throws Exception {
    Request request = client.request(HOST, path).method(HttpMethod.OPTIONS)
        .headers(h -> h.put("Origin", origin).put("Access-Control-Request-Method", "PUT")
            .put("Access-Control-Request-Headers", "content-type"));
    return request.send();
  }

  private ContentResponse get(String path, String origin) throws Exception {
    return client.get(HOST, path, "Origin", origin);
  }

  private static String header(ContentResponse response, String name) {
    return response.getHeaders().get(name);
  }

  private static void assertNoCorsHeaders(ContentResponse response) {
    assertThat(response.getHeaders().getFieldNamesCollection())
        .as("headers %s", response.getHeaders())
        .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredByTheGatewayWithoutReachingTheDestination() throws Exception {
    ContentResponse r = preflight("/orders/7", APP);
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(header(r, "Access-Control-Allow-Methods")).isEqualTo("GET,PUT");
    assertThat(header(r, "Access-Control-Allow-Headers")).isEqualTo("content-type,x-token");
    assertThat(header(r, "Access-Control-Max-Age")).isEqualTo("3600");
    assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(header(r, "Vary")).as("Envoy adds no Vary: Origin").isNull();
    assertThat(r.getContent()).isEmpty();
    assertThat(upstream.requests.get()).as("requests the destination saw").isZero();
  }

  @Test
  void anActualRequestFromAnAllowedOriginIsForwardedAndItsAnswerGetsTheHeaders() throws Exception {
    ContentResponse r = get("/orders/7", APP);
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(r)).containsEntry("method", "GET").containsEntry("header origin", APP);
    assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(header(r, "Access-Control-Expose-Headers")).isEqualTo("x-upstream-instance");
    assertThat(header(r, "Access-Control-Allow-Methods")).as("preflight only").isNull();
    assertThat(header(r, "Vary")).isNull();
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void anOriginNotAllowedOrNoOriginGetsNoCorsHeaders() throws Exception {
    ContentResponse evil = get("/orders/7", EVIL);
    assertThat(evil.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(evil)).containsEntry("header origin", EVIL);
    assertNoCorsHeaders(evil);
    ContentResponse none = client.get(HOST, "/orders/7");
    assertThat(none.getStatus()).isEqualTo(200);
    assertNoCorsHeaders(none);
    ContentResponse plain = get("/plain", APP);
    assertThat(plain.getStatus()).isEqualTo(200);
    assertNoCorsHeaders(plain);
  }

  @Test
  void prefixAndRegexOriginsMatchAsEnvoyMatchesThem() throws Exception {
    assertThat(header(get("/patterns", "http://localhost:3000"), "Access-Control-Allow-Origin"))
        .isEqualTo("http://localhost:3000");
    assertThat(header(get("/patterns", "https://shop.example.org"), "Access-Control-Allow-Origin"))
        .isEqualTo("https://shop.example.org");
    // The regex must match the whole origin; neither is a prefix match.
    assertNoCorsHeaders(get("/patterns", "https://shop.example.org.evil.net"));
    assertNoCorsHeaders(get("/patterns", "https://localhost:3000"));
    ContentResponse answered = preflight("/patterns", "https://shop.example.org");
    assertThat(answered.getStatus()).isEqualTo(200);
    assertThat(header(answered, "Access-Control-Allow-Origin")).isEqualTo("https://shop.example.org");
    assertThat(upstream.requests.get()).as("only the four actual requests").isEqualTo(4);
  }

  @Test
  void anUnmatchedPreflightGoesToTheDestinationByDefault() throws Exception {
    ContentResponse r = preflight("/orders/7", EVIL);
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(r)).containsEntry("method", "OPTIONS")
        .containsEntry("header access-control-request-method", "PUT");
    assertNoCorsHeaders(r);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void anUnmatchedPreflightUnderIgnoreIsAnsweredWithoutAllowOrigin() throws Exception {
    ContentResponse r = preflight("/ignore", EVIL);
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(header(r, "Access-Control-Allow-Origin")).isNull();
    // As Envoy: the rest of the policy is still sent; without Allow-Origin the browser refuses.
    assertThat(header(r, "Access-Control-Allow-Methods")).isEqualTo("GET");
    assertThat(header(r, "Access-Control-Max-Age")).isEqualTo("60");
    assertThat(r.getContent()).isEmpty();
    assertThat(upstream.requests.get()).isZero();

    ContentResponse matched = preflight("/ignore", APP);
    assertThat(header(matched, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(upstream.requests.get()).isZero();
  }

  @Test
  void anOptionsRequestThatIsNotAPreflightIsForwarded() throws Exception {
    ContentResponse r = client.request(HOST, "/orders/7").method(HttpMethod.OPTIONS)
        .headers(h -> h.put("Origin", APP)).send();
    assertThat(TestClient.echo(r)).containsEntry("method", "OPTIONS");
    assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void theGatewaysOwnErrorAnswerToAnAllowedOriginCarriesTheHeaders() throws Exception {
    ContentResponse aborted = get("/abort", APP);
    assertThat(aborted.getStatus()).isEqualTo(503);
    assertThat(header(aborted, "x-inboard-reason")).startsWith("fault injected");
    assertThat(header(aborted, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertNoCorsHeaders(get("/abort", EVIL));
    // The preflight is answered before the fault, as Envoy's CORS filter runs before its fault filter.
    ContentResponse preflight = preflight("/abort", APP);
    assertThat(preflight.getStatus()).isEqualTo(200);
    assertThat(header(preflight, "Access-Control-Allow-Origin")).isEqualTo(APP);
  }

  @Test
  void aDestinationWithoutInstancesStillAnswersPreflightsAndItsErrorCarriesTheHeaders() throws Exception {
    ContentResponse preflight = preflight("/ghost", EVIL);
    assertThat(preflight.getStatus()).isEqualTo(200);
    // {exact: "*"} allows every origin and names the request's own; allowHeaders "*" echoes the request's.
    assertThat(header(preflight, "Access-Control-Allow-Origin")).isEqualTo(EVIL);
    assertThat(header(preflight, "Access-Control-Allow-Headers")).isEqualTo("content-type");
    ContentResponse unavailable = get("/ghost", EVIL);
    assertThat(unavailable.getStatus()).isEqualTo(503);
    assertThat(header(unavailable, "Access-Control-Allow-Origin")).isEqualTo(EVIL);
  }

  @Test
  void explainShowsThePolicyAndWhatHappensToTheRequest() throws Exception {
    try (TestClient admin = new TestClient(gateway.adminPort())) {
      String json = admin.get("localhost", "/explain?url=http://" + HOST + "/orders/7&method=OPTIONS"
          + "&header=origin:" + APP + "&header=access-control-request-method:PUT").getContentAsString();
      assertThat(json).as(json)
          .contains("\"cors\" : {")
          .contains("\"allowOrigins\" : [ {\n        \"exact\" : \"" + APP + "\"\n      } ]")
          .contains("\"allowMethods\" : \"GET,PUT\"")
          .contains("\"maxAge\" : \"3600\"")
          .contains("\"allowCredentials\" : true")
          .contains("\"unmatchedPreflights\" : \"FORWARD\"")
          .contains("corsPolicy: preflight from allowed origin " + APP + " answered by the gateway");
    }
  }
}
