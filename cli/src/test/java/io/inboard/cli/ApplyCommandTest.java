package io.inboard.cli;

import static io.inboard.cli.ValidateCommandTest.inboardctl;
import static io.inboard.cli.ValidateCommandTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.inboard.core.parse.ResourceParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inboardctl apply}, against a stand-in config server on 127.0.0.1 that records the request. */
class ApplyCommandTest {
  private static final String GATEWAY_JSON = "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"Gateway\","
      + "\"metadata\":{\"name\":\"NAME\",\"namespace\":\"ns1\"},\"spec\":{\"selector\":{\"istio\":\"ingressgateway\"},"
      + "\"servers\":[{\"port\":{\"number\":80,\"name\":\"http\",\"protocol\":\"HTTP\"},\"hosts\":[\"*\"]}]}}\n";

  record Sent(String contentType, String body) {}

  /** Runs {@code apply ARGS --server <stand-in>} and returns what the server received. */
  static Sent applyAgainstStandIn(AtomicReference<ValidateCommandTest.Run> run, String... args) throws IOException {
    AtomicReference<Sent> sent = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/apply", ex -> {
      sent.set(new Sent(ex.getRequestHeaders().getFirst("Content-Type"),
          new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      byte[] answer = "{\"revision\":1,\"resources\":[],\"warnings\":[]}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    server.start();
    try {
      String[] all = new String[args.length + 3];
      all[0] = "apply";
      System.arraycopy(args, 0, all, 1, args.length);
      all[args.length + 1] = "--server";
      all[args.length + 2] = "http://127.0.0.1:" + server.getAddress().getPort();
      run.set(inboardctl(all));
      return sent.get();
    } finally {
      server.stop(0);
    }
  }

  /**
   * The help says -f takes a directory of *.yaml, *.yml, *.json. Two JSON files (or a JSON file
   * then a YAML file) must reach the server as one body it parses: a JSON body must be one JSON
   * value (joined with '---' the server refused it: "malformed JSON at line 3, column 2").
   */
  @Test
  void directoryOfJsonFilesIsSentAsSomethingTheServerCanParse(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.json"), GATEWAY_JSON.replace("NAME", "a"));
    Files.writeString(dir.resolve("b.json"), GATEWAY_JSON.replace("NAME", "b"));
    AtomicReference<ValidateCommandTest.Run> run = new AtomicReference<>();
    Sent sent = applyAgainstStandIn(run, "-f", dir.toString());
    assertThat(run.get().exitCode()).as(run.get().err()).isZero();
    if ("application/json".equals(sent.contentType())) {
      assertThatCode(() -> new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(sent.body())).as("body sent as application/json:%n%s", sent.body()).doesNotThrowAnyException();
    }
  }

  @Test
  void jsonFileThenYamlFileIsSentAsSomethingTheServerCanParse(@TempDir Path dir) throws IOException {
    Path json = Files.writeString(dir.resolve("a.json"), GATEWAY_JSON.replace("NAME", "a"));
    AtomicReference<ValidateCommandTest.Run> run = new AtomicReference<>();
    Sent sent = applyAgainstStandIn(run, "-f", json.toString(), resource("scenarios/00-gateway.yaml"));
    assertThat(run.get().exitCode()).as(run.get().err()).isZero();
    if ("application/json".equals(sent.contentType())) {
      assertThatCode(() -> new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(sent.body())).as("body sent as application/json:%n%s", sent.body()).doesNotThrowAnyException();
    }
  }

  /** As validate and explain: "no such file". */
  @Test
  void missingFileSaysNoSuchFile(@TempDir Path dir) {
    String missing = dir.resolve("nope.yaml").toString();
    ValidateCommandTest.Run run = inboardctl("apply", "-f", missing, "--server", "http://127.0.0.1:1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + missing + ": no such file");
  }

  /**
   * validate says of a resource defined in two files "applied together, this one replaces it";
   * apply sends it once, as the later file defines it, so the server does not refuse a duplicate.
   */
  @Test
  void sameResourceInTwoFilesIsSentOnceAsTheLaterDefinesIt() throws IOException {
    AtomicReference<ValidateCommandTest.Run> run = new AtomicReference<>();
    Sent sent = applyAgainstStandIn(run, "-f", resource("scenarios/00-gateway.yaml"),
        resource("scenarios/10-canary.yaml"), resource("scenarios/40-dark-release.yaml"));
    assertThat(run.get().exitCode()).as(run.get().err()).isZero();
    assertThat(run.get().err()).contains("VirtualService traffic-management/user-virtual-service metadata.name:"
        + " also defined in " + resource("scenarios/10-canary.yaml") + "; applied together, this one replaces it");
    var parsed = ResourceParser.parse(sent.body(), "");
    assertThat(parsed.diagnostics()).filteredOn(d -> d.isError()).isEmpty();
    assertThat(parsed.resources()).extracting(r -> r.resource().kind() + " " + r.resource().key())
        .doesNotHaveDuplicates().hasSize(4);
    var dark = ResourceParser.parse(Files.readString(Path.of(resource("scenarios/40-dark-release.yaml"))), "");
    var virtualService = dark.resources().stream().filter(r -> r.resource().kind().equals("VirtualService"))
        .findFirst().orElseThrow().source();
    assertThat(parsed.resources()).extracting(r -> r.source()).contains(virtualService);
  }

  /** Within one file a resource defined twice stays an error, and nothing is sent. */
  @Test
  void sameResourceTwiceInOneFileIsRefusedWithoutSending(@TempDir Path dir) throws IOException {
    String gateway = "# YAML\n" + GATEWAY_JSON.replace("NAME", "a"); // a flow mapping: YAML, so '---' may follow
    Path file = Files.writeString(dir.resolve("twice.yaml"), gateway + "---\n" + gateway);
    AtomicReference<ValidateCommandTest.Run> run = new AtomicReference<>();
    Sent sent = applyAgainstStandIn(run, "-f", file.toString());
    assertThat(sent).isNull();
    assertThat(run.get().exitCode()).as(run.get().err()).isEqualTo(1);
    assertThat(run.get().err()).contains("error: 1 problem in the files; nothing was applied")
        .contains("Gateway ns1/a metadata.name: duplicate: document 1 already defines this Gateway");
  }

  @Test
  void emptyFileIsRefusedWithoutSending(@TempDir Path dir) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.yaml"));
    AtomicReference<ValidateCommandTest.Run> run = new AtomicReference<>();
    Sent sent = applyAgainstStandIn(run, "-f", resource("scenarios/00-gateway.yaml"), empty.toString());
    assertThat(sent).isNull();
    assertThat(run.get().exitCode()).isEqualTo(1);
    assertThat(run.get().err()).contains("  " + empty + ": holds no document");
  }

  /** A file too large to read is unreadable input: exit 2 and one line, not an OutOfMemoryError. */
  @Test
  void hugeFileIsBadInputWithExitCode2(@TempDir Path dir) throws IOException {
    Path huge = ValidateCommandTest.sparseFile(dir, 3L * 1024 * 1024 * 1024);
    ValidateCommandTest.Run run;
    try {
      run = inboardctl("apply", "-f", huge.toString(), "--server", "http://127.0.0.1:1");
    } catch (OutOfMemoryError e) { // caught here, or surefire takes the whole fork down
      throw new AssertionError("apply -f " + huge + " threw " + e, e);
    }
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("error: cannot read " + huge + ": it is 3221225472 bytes,"
        + " larger than the 16 MiB a resource file may be; split it into several files");
  }

  @Test
  void nonUtf8FileSaysSo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "metadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
    ValidateCommandTest.Run run = inboardctl("apply", "-f", file.toString(), "--server", "http://127.0.0.1:1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + file + ": it is not valid UTF-8");
  }

  @Test
  void directoryWithoutResourceFilesSaysSo(@TempDir Path dir) {
    ValidateCommandTest.Run run = inboardctl("apply", "-f", dir.toString(), "--server", "http://127.0.0.1:1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + dir + ": the directory holds no *.yaml, *.yml or *.json file");
  }
}
