package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input is refused with the right status and a message naming the problem,
 * and the data directory is byte-for-byte what it was before.
 */
class BadInputIT {
  @TempDir static Path dataDir;
  static ServerProcess server;
  static Http http;

  private static final String VS_HEAD = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: %s
        namespace: traffic-management
      spec:
        hosts:
        - user
      """;

  private static String vs(String name) {
    return VS_HEAD.formatted(name) + """
          http:
          - route:
            - destination:
                host: user
        """;
  }

  /** One bad request: what to send, and what the answer must say. */
  record Case(String method, String path, byte[] body, String contentType, int status, List<String> mentions) {
    static Case apply(String body, int status, String... mentions) {
      return new Case("POST", "/v1/apply", body.getBytes(StandardCharsets.UTF_8), "application/yaml", status,
          List.of(mentions));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dataDir);
    http = new Http(server.url());
    Http.Response r = http.apply(Scenarios.text("00-gateway.yaml") + "\n---\n" + Scenarios.text("10-canary.yaml"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // A second version, so that resourceVersion "1" below is really stale.
    r = http.apply(Scenarios.text("10-canary.yaml").replace("weight: 90", "weight: 80").replace("weight: 10", "weight: 20"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static Stream<Arguments> badInputs() {
    String laughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """;
    byte[] invalidUtf8 = (vs("bad-bytes").replace("- user", "- us\u00e9r")).getBytes(StandardCharsets.ISO_8859_1);
    String twoMiB = vs("big") + "# " + "x".repeat(2 * 1024 * 1024) + "\n";
    StringBuilder manyDocs = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      manyDocs.append(vs("many-" + i)).append("---\n");
    }
    String severalViolations = VS_HEAD.formatted("several") + """
          http:
          - route:
            - destination:
                host: user
              weight: -5
            timeout: soon
            colour: blue
          bogus: true
        """;
    List<Arguments> cases = new ArrayList<>(List.of(
        named("malformed YAML", Case.apply("apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
            + "metadata: {name: [unclosed\n", 400, "malformed")),
        named("unknown kind", Case.apply(vs("x").replace("kind: VirtualService", "kind: ServiceEntry"), 422,
            "ServiceEntry")),
        named("unknown field", Case.apply(vs("x").replace("host: user\n", "host: user\n      wieght: 10\n"), 422,
            "wieght")),
        named("several violations, all listed", Case.apply(severalViolations, 422, "weight", "timeout", "colour",
            "bogus")),
        named("third of three documents invalid", Case.apply(vs("first-new") + "---\n" + vs("second-new") + "---\n"
            + vs("third-new").replace("hosts:", "hostz:"), 422, "hostz")),
        named("2 MiB body", Case.apply(twoMiB, 413, "too large")),
        named("more than 100 documents", Case.apply(manyDocs.toString(), 413, "100")),
        named("billion laughs", Case.apply(laughs, 422, "alias")),
        named("invalid UTF-8", new Case("POST", "/v1/apply", invalidUtf8, "application/yaml", 400, List.of("UTF-8"))),
        named("../ as a name in the URL", new Case("PUT",
            "/v1/namespaces/traffic-management/virtualservices/..%2F..%2Fetc",
            vs("x").getBytes(StandardCharsets.UTF_8), "application/yaml", 400, List.of("DNS-1123"))),
        named("../ as a namespace in the URL", new Case("GET", "/v1/namespaces/..%2Fdata/virtualservices", null,
            null, 400, List.of("DNS-1123"))),
        named("../ as a name in the body", Case.apply(vs("../../evil"), 422, "metadata.name")),
        named("upper-case name", Case.apply(vs("UserRules"), 422, "metadata.name")),
        named("name over 253 characters", Case.apply(vs("a".repeat(300)), 422, "300 characters")),
        named("name over 253 characters in the URL", new Case("GET",
            "/v1/namespaces/traffic-management/virtualservices/" + "a".repeat(300), null, null, 400,
            List.of("300 characters"))),
        named("stale resourceVersion", Case.apply(vs("user-virtual-service")
            .replace("namespace: traffic-management", "namespace: traffic-management\n  resourceVersion: \"1\""),
            409, "stale")),
        named("unsupported content type", new Case("POST", "/v1/apply", vs("x").getBytes(StandardCharsets.UTF_8),
            "application/xml", 415, List.of("content type"))),
        named("PUT body names another resource", new Case("PUT",
            "/v1/namespaces/traffic-management/virtualservices/other-name",
            vs("user-virtual-service").getBytes(StandardCharsets.UTF_8), "application/yaml", 400,
            List.of("metadata.name"))),
        named("PUT body of another kind", new Case("PUT",
            "/v1/namespaces/traffic-management/destinationrules/user-virtual-service",
            vs("user-virtual-service").getBytes(StandardCharsets.UTF_8), "application/yaml", 400,
            List.of("DestinationRule"))),
        named("delete of a missing resource", new Case("DELETE",
            "/v1/namespaces/traffic-management/virtualservices/nope", null, null, 404, List.of("not found"))),
        named("instance with a bad port", new Case("PUT", "/v1/namespaces/traffic-management/instances/u1",
            "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":70000}".getBytes(StandardCharsets.UTF_8),
            "application/json", 422, List.of("port")))));
    return cases.stream();
  }

  private static Arguments named(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void refusedWithStatusAndMessageAndStoreUnchanged(Case c) throws Exception {
    Map<String, String> before = DataDir.hashes(dataDir);
    long revisionBefore = http.get("/readyz").json().get("revision").asLong();

    Http.Response r = http.send(c.method(), c.path(), c.body(), c.contentType());

    assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
    JsonNode error = r.json();
    assertThat(error.hasNonNull("error")).as(r.toString()).isTrue();
    assertThat(error.get("details").isArray()).as(r.toString()).isTrue();
    String said = error.toString().toLowerCase(java.util.Locale.ROOT);
    for (String m : c.mentions()) {
      assertThat(said).as("response names the problem '%s': %s", m, r).contains(m.toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(DataDir.hashes(dataDir)).isEqualTo(before);
    assertThat(http.get("/readyz").json().get("revision").asLong()).isEqualTo(revisionBefore);
  }

  /**
   * A body refused for its size, declared or counted, is still read (up to 4 MiB) before the 413 is sent: the
   * connection stays open for the next request, and a client still sending the body is not reset
   * before it reads the answer (which it then saw as "no bytes" now and then).
   */
  @ParameterizedTest(name = "chunked: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aBodyRefusedForItsSizeLeavesTheConnectionUsable(boolean chunked) throws IOException {
    URI url = URI.create(server.url());
    byte[] body = ("# " + "x".repeat(2 * 1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST /v1/apply HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\nContent-Type: application/yaml\r\n"
          + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      if (chunked) {
        // Refused while counting, past 1 MiB, rather than by a declared length.
        for (int at = 0; at < body.length; at += 65536) {
          int n = Math.min(65536, body.length - at);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body, at, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(body);
      }
      out.flush();

      List<String> refused = RawResponse.read(in);
      assertThat(refused.get(0)).contains(" 413 ");
      assertThat(refused).noneMatch(h -> h.equalsIgnoreCase("connection: close"));

      out.write(("GET /readyz HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawResponse.read(in).get(0)).as("the next request on the same connection").contains(" 200 ");
    }
  }

  @Test
  void severalViolationsAreEachListedWithTheirPath() throws IOException {
    String doc = VS_HEAD.formatted("several") + """
          http:
          - route:
            - destination:
                host: user
            colour: blue
          bogus: true
        """;
    Http.Response r = http.apply(doc);
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    List<String> paths = new ArrayList<>();
    r.json().get("details").forEach(d -> paths.add(d.get("path").asText()));
    assertThat(paths).as(r.toString()).anyMatch(p -> p.contains("colour")).anyMatch(p -> p.contains("bogus"));
  }

  @Test
  void noDocumentOfARefusedMultiDocumentApplyIsStored() throws IOException {
    Http.Response r = http.apply(vs("first-new") + "---\n" + vs("second-new") + "---\n"
        + vs("third-new").replace("hosts:", "hostz:"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("details").toString()).contains("third-new");
    for (String name : List.of("first-new", "second-new", "third-new")) {
      assertThat(http.get("/v1/namespaces/traffic-management/virtualservices/" + name).status()).isEqualTo(404);
    }
  }
}
