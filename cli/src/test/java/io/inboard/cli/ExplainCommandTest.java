package io.inboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inboardctl explain} run in-process on the walk-through scenario files and two user
 * instances (v1, v2): the acceptance checks of the routing core. Samples use the explainer's fixed
 * seed; the stated share intervals are the acceptance tolerances.
 */
class ExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GATEWAY = "traffic-management/microservice-gateway";
  private static final String FRONTEND = "traffic-management/frontend";

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON (exit " + exit + ", stderr " + err + "):\n" + out, e);
      }
    }
  }

  static Run inboardctl(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Inboardctl.run(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String scenario(String name) {
    try {
      return Path.of(ExplainCommandTest.class.getResource("/scenarios/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** explain -f 00-gateway.yaml -f FILE --instances instances.yaml ARGS... */
  static Run explain(String file, String... args) {
    List<String> all = new ArrayList<>(List.of("explain", "-f", scenario("00-gateway.yaml"), scenario(file),
        "--instances", scenario("instances.yaml")));
    all.addAll(List.of(args));
    return inboardctl(all.toArray(String[]::new));
  }

  static double share(JsonNode samples, String group, String key) {
    return samples.path(group).path(key).asInt(0) / (double) samples.get("samples").asInt();
  }

  @Test
  void canaryThroughTheGatewaySendsNinetyPercentToV1() {
    Run run = explain("10-canary.yaml", "--gateway", GATEWAY, "--samples", "10000",
        "GET", "http://user.traffic-management.example.com/");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("samples").asInt()).isEqualTo(10000);
    assertThat(json.path("byStatus").path("200").asInt()).isEqualTo(10000);
    assertThat(share(json, "bySubset", "v1")).isBetween(0.88, 0.92);
    assertThat(share(json, "byInstance", "user-v1")).isBetween(0.88, 0.92);
  }

  @Test
  void canaryFromInsideTheMeshSendsNinetyPercentToV1() {
    Run run = explain("10-canary.yaml", "--from", FRONTEND, "--samples", "10000", "GET", "http://user/");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(share(run.json(), "bySubset", "v1")).isBetween(0.88, 0.92);
    assertThat(share(run.json(), "bySubset", "v2")).isBetween(0.08, 0.12);
  }

  @Test
  void prefixRouteThroughTheGatewayRewritesUserListToList() {
    Run run = explain("10-canary.yaml", "--gateway", GATEWAY,
        "GET", "http://microservice.traffic-management.example.com/user/list");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("status").asInt()).isEqualTo(200);
    assertThat(json.path("matched").path("virtualService").asText())
        .isEqualTo("traffic-management/microservice-virtual-service");
    assertThat(json.path("matched").path("ruleName").asText()).isEqualTo("user-by-prefix");
    assertThat(json.path("actions").path("rewrittenPath").asText()).isEqualTo("/list");
    assertThat(json.path("destination").path("host").asText()).isEqualTo("user.traffic-management.svc.cluster.local");
    assertThat(json.path("instance").path("id").asText()).isIn("user-v1", "user-v2");
  }

  @Test
  void darkReleaseSendsModeDevToV2AndEverythingElseToV1() {
    for (String[] where : List.of(new String[] {"--gateway", GATEWAY, "http://user.traffic-management.example.com/"},
        new String[] {"--from", FRONTEND, "http://user/"})) {
      Run dev = explain("40-dark-release.yaml", where[0], where[1], "-H", "mode: dev", "--samples", "500", "GET", where[2]);
      assertThat(dev.exit()).as(dev.err()).isZero();
      assertThat(share(dev.json(), "bySubset", "v2")).as("%s with mode: dev", where[1]).isEqualTo(1.0);
      Run plain = explain("40-dark-release.yaml", where[0], where[1], "--samples", "500", "GET", where[2]);
      assertThat(share(plain.json(), "bySubset", "v1")).as("%s without mode", where[1]).isEqualTo(1.0);
    }
  }

  @Test
  void darkReleaseExplainsWhyTheFirstRuleDidNotMatch() {
    Run run = explain("40-dark-release.yaml", "--from", FRONTEND, "-H", "mode: prod", "GET", "http://user/");
    JsonNode json = run.json();
    assertThat(json.path("matched").path("ruleName").asText()).isEqualTo("default");
    assertThat(json.path("matched").path("rule").asInt()).isEqualTo(1);
    assertThat(json.path("destination").path("subset").asText()).isEqualTo("v1");
    List<String> trace = new ArrayList<>();
    json.get("trace").forEach(t -> trace.add(t.asText()));
    assertThat(trace).contains("rule 0 \"dark-release\": headers[mode] exact \"dev\" did not match \"prod\"");
    assertThat(trace.get(0)).contains("resolved to user.traffic-management.svc.cluster.local");
  }

  @Test
  void stickyCanaryKeepsOneUserOnOneVersionAndSplitsUsersNinetyTen() {
    Run fixed = explain("30-sticky-canary.yaml", "--gateway", GATEWAY, "-H", "my-header: alice",
        "--samples", "1000", "GET", "http://user.traffic-management.example.com/");
    assertThat(fixed.exit()).as(fixed.err()).isZero();
    assertThat(fixed.json().get("bySubset").size()).as("one subset for one key: %s", fixed.out()).isEqualTo(1);

    Run varied = explain("30-sticky-canary.yaml", "--gateway", GATEWAY, "--vary-header", "my-header",
        "--samples", "10000", "GET", "http://user.traffic-management.example.com/");
    assertThat(share(varied.json(), "bySubset", "v2")).isBetween(0.09, 0.11);
  }

  @Test
  void consistentHashKeepsOneKeyOnOneInstanceAndSpreadsKeys() {
    Run fixed = explain("20-consistent-hash.yaml", "--from", FRONTEND, "-H", "my-header: bob",
        "--samples", "1000", "GET", "http://user/");
    assertThat(fixed.exit()).as(fixed.err()).isZero();
    assertThat(fixed.json().get("byInstance").size()).as(fixed.out()).isEqualTo(1);

    Run varied = explain("20-consistent-hash.yaml", "--from", FRONTEND, "--vary-header", "my-header",
        "--samples", "1000", "GET", "http://user/");
    assertThat(varied.json().get("byInstance").size()).as(varied.out()).isEqualTo(2);
    assertThat(share(varied.json(), "byInstance", "user-v1")).isBetween(0.3, 0.7);
  }

  @Test
  void singleDecisionShowsTheHashKey() {
    Run run = explain("20-consistent-hash.yaml", "--from", FRONTEND, "-H", "my-header: bob", "GET", "http://user/");
    assertThat(run.json().get("hashKey").asText()).isEqualTo("header my-header=bob");
    assertThat(run.json().get("reason").asText()).contains("user-sticky");
  }

  @Test
  void gatewayThatDoesNotServeTheHostAnswers404() {
    Run run = explain("10-canary.yaml", "--gateway", GATEWAY, "GET", "http://other.example.org/");
    assertThat(run.exit()).isZero();
    assertThat(run.json().get("status").asInt()).isEqualTo(404);
    assertThat(run.json().get("reason").asText())
        .isEqualTo("no VirtualService bound to a Gateway on this port serves host other.example.org");
    assertThat(run.json().get("atGateway").get("port").asInt()).isEqualTo(80);
  }

  @Test
  void unknownHostPassesThrough() {
    Run run = explain("10-canary.yaml", "--from", FRONTEND, "GET", "http://example.net/");
    assertThat(run.json().get("outcome").asText()).isEqualTo("PASSTHROUGH");
  }

  @Test
  void invalidResourcesPrintTheErrorsAndExitOne(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: traffic-management}
        spec:
          hosts: [user]
          http:
          - route:
            - destination: {host: user}
              wieght: 10
        """);
    Run run = inboardctl("explain", "-f", bad.toString(), "GET", "http://user/");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("ERROR").contains("wieght");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void badUsageExitsTwoWithAMessage() {
    assertThat(inboardctl("explain", "-f", "/no/such/file.yaml", "GET", "http://user/").exit()).isEqualTo(2);
    Run header = explain("10-canary.yaml", "-H", "no-colon", "GET", "http://user/");
    assertThat(header.exit()).isEqualTo(2);
    assertThat(header.err()).contains("'NAME: VALUE'");
    Run vary = explain("10-canary.yaml", "--vary-header", "my-header", "GET", "http://user/");
    assertThat(vary.exit()).isEqualTo(2);
    assertThat(vary.err()).contains("--samples");
    Run from = explain("10-canary.yaml", "--from", "frontend", "GET", "http://user/");
    assertThat(from.exit()).isEqualTo(2);
    assertThat(from.err()).contains("NAMESPACE/SERVICE");
    Run url = explain("10-canary.yaml", "GET", "/relative");
    assertThat(url.exit()).isEqualTo(2);
    assertThat(url.err()).contains("absolute");
    assertThat(explain("10-canary.yaml", "GET").exit()).isEqualTo(2);
    Run portAlone = explain("10-canary.yaml", "--gateway-port", "8080", "GET", "http://user/");
    assertThat(portAlone.exit()).isEqualTo(2);
    assertThat(portAlone.err()).contains("--gateway-port needs --gateway");
    Run undefined = explain("10-canary.yaml", "--gateway", "traffic-management/no-such-gateway", "GET", "http://user/");
    assertThat(undefined.exit()).isEqualTo(2);
    assertThat(undefined.err()).contains("gateway traffic-management/no-such-gateway is not defined; the Gateways are "
        + GATEWAY);
  }

  @Test
  void theGatewayPortChoosesTheGatewaysServers() {
    // The walk-through's Gateway has one server, on port 80; on 8080 the gateway serves nothing.
    Run on80 = explain("10-canary.yaml", "--gateway", GATEWAY, "GET", "http://user.traffic-management.example.com/");
    assertThat(on80.json().get("status").asInt()).as(on80.out()).isEqualTo(200);
    Run on8080 = explain("10-canary.yaml", "--gateway", GATEWAY, "--gateway-port", "8080",
        "GET", "http://user.traffic-management.example.com/");
    assertThat(on8080.exit()).as(on8080.err()).isZero();
    assertThat(on8080.json().get("status").asInt()).isEqualTo(404);
    assertThat(on8080.json().get("atGateway").get("port").asInt()).isEqualTo(8080);
    assertThat(on8080.json().get("atGateway").get("leftOut").get(0).asText())
        .isEqualTo("Gateway " + GATEWAY + " spec.servers[0] is on port 80, not port 8080; it is left out"
            + " (give gatewayPort, or --gateway-port, to explain another port)");
  }

  /**
   * Gateway edge/web: shop.example.com on HTTP (sent to HTTPS) and on HTTPS, cart.example.com on
   * HTTPS; shop answers "secure" to https requests and "plain" otherwise, cart answers "cart".
   */
  private static final String HTTPS_GATEWAY = """
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
          tls: {mode: SIMPLE, credentialName: shop-cert}
        - port: {number: 443, name: https-cart, protocol: HTTPS}
          hosts: ["*.example.com"]
          tls: {mode: SIMPLE, credentialName: cart-cert}
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
      """;

  /** As the gateway's own /explain: an https:// URL meets the HTTPS server its SNI reaches, and that server's table. */
  @Test
  void anHttpsUrlAtAGatewayIsDecidedByTheServerItsSniReaches(@TempDir Path dir) throws IOException {
    String rules = Files.writeString(dir.resolve("https.yaml"), HTTPS_GATEWAY).toString();
    Run shop = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "GET", "https://shop.example.com/list");
    assertThat(shop.exit()).as(shop.err()).isZero();
    assertThat(shop.json().path("atGateway").path("httpsServer").asText()).isEqualTo("Gateway edge/web spec.servers[1]");
    assertThat(shop.json().path("atGateway").path("sni").asText()).isEqualTo("shop.example.com");
    assertThat(shop.json().path("atGateway").path("port").asInt()).isEqualTo(443);
    assertThat(shop.json().path("actions").path("directResponseBody").asText()).isEqualTo("secure");

    // The wildcard server takes cart.example.com; its own table has cart's route only.
    Run cart = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "GET", "https://cart.example.com/");
    assertThat(cart.json().path("atGateway").path("httpsServer").asText()).isEqualTo("Gateway edge/web spec.servers[2]");
    assertThat(cart.json().path("actions").path("directResponseBody").asText()).isEqualTo("cart");
    Run crossed = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "--sni", "shop.example.com",
        "GET", "https://cart.example.com/");
    assertThat(crossed.json().path("status").asInt()).as(crossed.out()).isEqualTo(404);
    assertThat(crossed.json().path("atGateway").path("httpsServer").asText())
        .isEqualTo("Gateway edge/web spec.servers[1]");

    // On the HTTP port, the redirecting server sends the client to HTTPS before any route.
    Run http = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "GET", "http://shop.example.com/a?b=1");
    assertThat(http.json().path("status").asInt()).as(http.out()).isEqualTo(301);
    assertThat(http.json().path("location").asText()).isEqualTo("https://shop.example.com/a?b=1");
    assertThat(http.json().path("reason").asText()).contains("Gateway edge/web spec.servers[0]", "tls.httpsRedirect");
  }

  /** As the gateway: the path is normalized before the redirect and before any route matches it. */
  @Test
  void atAGatewayThePathIsNormalizedAsTheGatewayNormalizesIt(@TempDir Path dir) throws IOException {
    String rules = Files.writeString(dir.resolve("https.yaml"), HTTPS_GATEWAY + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: docs, namespace: edge}
        spec:
          hosts: [docs.example.com]
          gateways: [web]
          http:
          - match: [{uri: {exact: /admin}}]
            directResponse: {status: 403, body: {string: admin}}
          - directResponse: {status: 200, body: {string: public}}
        """).toString();
    Run http = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "GET",
        "http://shop.example.com/a/./b/../%63art?b=1");
    assertThat(http.json().path("status").asInt()).as(http.out()).isEqualTo(301);
    assertThat(http.json().path("location").asText()).isEqualTo("https://shop.example.com/a/cart?b=1");

    Run dotted = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "--sni", "docs.example.com", "GET",
        "https://docs.example.com/public/../%61dmin");
    assertThat(dotted.exit()).as(dotted.err()).isZero();
    assertThat(dotted.json().path("actions").path("directResponseBody").asText()).as(dotted.out()).isEqualTo("admin");
  }

  @Test
  void anSniNoHttpsServerReachesIsBadUsageSayingWhichServersThereAre(@TempDir Path dir) throws IOException {
    String rules = Files.writeString(dir.resolve("https.yaml"), HTTPS_GATEWAY).toString();
    Run other = inboardctl("explain", "-f", rules, "--gateway", "edge/web", "--sni", "other.example.org",
        "GET", "https://shop.example.com/");
    assertThat(other.exit()).isEqualTo(2);
    assertThat(other.err()).contains("a client sending the SNI 'other.example.org' reaches no HTTPS server on port 443"
        + " of the gateway edge/web selects, so its TLS handshake fails; the HTTPS servers there are"
        + " Gateway edge/web spec.servers[1] [shop.example.com], Gateway edge/web spec.servers[2] [*.example.com]");
    Run noGateway = inboardctl("explain", "-f", rules, "--sni", "shop.example.com", "GET", "https://shop.example.com/");
    assertThat(noGateway.exit()).isEqualTo(2);
    assertThat(noGateway.err()).contains("--sni needs --gateway");
  }

  /**
   * 10-canary.yaml and 40-dark-release.yaml both define VirtualService
   * traffic-management/user-virtual-service. validate says the later file "replaces" the earlier;
   * explain decides against the same resources, i.e. the dark release.
   */
  @Test
  void sameResourceInTwoFilesTheLaterWinsAsValidateSays() {
    ValidateCommandTest.Run validate = ValidateCommandTest.inboardctl("validate", "-f",
        scenario("00-gateway.yaml"), scenario("10-canary.yaml"), scenario("40-dark-release.yaml"));
    assertThat(validate.exitCode()).isZero();
    assertThat(validate.out()).contains("VirtualService traffic-management/user-virtual-service metadata.name: also defined in")
        .contains("this one replaces it");

    Run run = explain("10-canary.yaml", "-f", scenario("40-dark-release.yaml"),
        "--from", FRONTEND, "-H", "mode: dev", "GET", "http://user/list");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.json().path("matched").path("ruleName").asText()).isEqualTo("dark-release");
    assertThat(run.json().path("destination").path("subset").asText()).isEqualTo("v2");
    assertThat(run.err()).contains("also defined in").contains("this one replaces it");
  }

  /** As validate: "not valid UTF-8", not the decoder's "Input length = 1". */
  @Test
  void nonUtf8FileSaysSo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "metadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
    Run run = inboardctl("explain", "-f", file.toString(), "--from", FRONTEND, "GET", "http://user/");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + file + ": it is not valid UTF-8 (bad byte at offset 20)");
  }

  /** A file too large to read is unreadable input: exit 2 and one line, not an OutOfMemoryError. */
  @Test
  void hugeFileIsBadInputWithExitCode2(@TempDir Path dir) throws IOException {
    Path huge = ValidateCommandTest.sparseFile(dir, 3L * 1024 * 1024 * 1024);
    Run run;
    try {
      run = inboardctl("explain", "-f", huge.toString(), "--from", FRONTEND, "GET", "http://user/");
    } catch (OutOfMemoryError e) { // caught here, or surefire takes the whole fork down
      throw new AssertionError("explain -f " + huge + " threw " + e, e);
    }
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("inboardctl explain: cannot read " + huge + ": it is 3221225472 bytes,"
        + " larger than the 16 MiB a resource file may be; split it into several files");
  }

  @Test
  void emptyFileIsInvalid(@TempDir Path dir) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.yaml"));
    Run run = explain("10-canary.yaml", "-f", empty.toString(), "--from", FRONTEND, "GET", "http://user/");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("ERROR " + empty + ": holds no document");
  }

  /** A lower-case method is accepted everywhere else (the router upper-cases it); after -f it is the method too. */
  @Test
  void lowerCaseMethodAfterFilesIsTheMethodNotAFile() {
    Run upper = inboardctl("explain", "--from", FRONTEND, "--instances", scenario("instances.yaml"),
        "-f", scenario("10-canary.yaml"), "GET", "http://user/");
    assertThat(upper.exit()).as(upper.err()).isZero();
    Run lower = inboardctl("explain", "--from", FRONTEND, "--instances", scenario("instances.yaml"),
        "-f", scenario("10-canary.yaml"), "get", "http://user/");
    assertThat(lower.exit()).as(lower.err()).isZero();
    assertThat(lower.json().path("matched")).isEqualTo(upper.json().path("matched"));
  }

  /** A letters-only word not followed by a URL is still a file, so a missing one says so. */
  @Test
  void lowerCaseWordNotFollowedByAUrlIsAFile() {
    Run run = inboardctl("explain", "--from", FRONTEND, "-f", scenario("10-canary.yaml"), "rules", "GET",
        "http://user/");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read rules: no such file");
  }
}
