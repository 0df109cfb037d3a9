package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.cli.Inboardctl;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk-through through {@code inboardctl} against the real server: each scenario file applies,
 * {@code get} returns what was applied, and {@code explain --server} decides exactly as offline
 * {@code explain} on the same files and instances.
 */
class ScenarioApplyIT {
  private static final String GATEWAY = "traffic-management/microservice-gateway";

  @TempDir static Path dir;
  static ServerProcess server;
  static Path instancesFile;

  /** What a run of inboardctl printed, and its exit code. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("data"));
    Http http = new Http(server.url());
    // Two user instances, as the agents of user v1 and v2 would register them.
    for (String v : List.of("v1", "v2")) {
      Http.Response r = http.send("PUT", "/v1/namespaces/traffic-management/instances/user-" + v,
          "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":" + (v.equals("v1") ? 8081 : 8082)
              + ",\"labels\":{\"app\":\"user\",\"version\":\"" + v + "\"},\"ttlSeconds\":600}", "application/json");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    instancesFile = dir.resolve("instances.yaml");
    Files.writeString(instancesFile, """
        - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {app: user, version: v1}}
        - {id: user-v2, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8082, labels: {app: user, version: v2}}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10-canary.yaml", "20-consistent-hash.yaml", "30-sticky-canary.yaml", "40-dark-release.yaml"})
  void appliesGetsAndExplainsLikeOffline(String scenario) throws Exception {
    Path gatewayFile = Scenarios.file(dir, "00-gateway.yaml");
    Path file = Scenarios.file(dir, scenario);

    Run apply = inboardctl("apply", "--server", server.url(), "-f", gatewayFile.toString(), file.toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    List<ParsedResource> applied = new ArrayList<>();
    for (Path p : List.of(gatewayFile, file)) {
      ParseResult parsed = ResourceParser.parse(Files.readString(p));
      assertThat(parsed.hasErrors()).isFalse();
      applied.addAll(parsed.resources());
    }
    for (ParsedResource r : applied) {
      String line = r.resource().kind().toLowerCase(Locale.ROOT) + " " + r.resource().key() + " ";
      assertThat(apply.out()).as("apply prints a line per resource").containsPattern(
          "(?m)^" + java.util.regex.Pattern.quote(line) + "(created|configured|unchanged)$");

      Run get = inboardctl("get", r.resource().kind(), r.resource().metadata().name(), "-n",
          r.resource().metadata().namespace(), "-o", "json", "--server", server.url());
      assertThat(get.exit()).as(get.toString()).isZero();
      JsonNode stored = Http.JSON.readTree(get.out());
      assertThat(stored.get("spec")).as("get returns what was applied").isEqualTo(r.source().get("spec"));
      assertThat(stored.get("metadata").get("resourceVersion").asText()).isNotEmpty();
    }

    // What get prints as YAML applies back unchanged (resourceVersion included, and current).
    Run yaml = inboardctl("get", "vs", "user-virtual-service", "-n", "traffic-management", "--server", server.url());
    assertThat(yaml.exit()).as(yaml.toString()).isZero();
    Path roundTrip = dir.resolve("round-trip.yaml");
    Files.writeString(roundTrip, yaml.out());
    Run reapplied = inboardctl("apply", "--server", server.url(), "-f", roundTrip.toString());
    assertThat(reapplied.out().strip()).as(reapplied.toString())
        .isEqualTo("virtualservice traffic-management/user-virtual-service unchanged");

    Run again = inboardctl("apply", "--server", server.url(), "-f", gatewayFile.toString(), file.toString());
    assertThat(again.out().lines().toList()).isNotEmpty().allMatch(l -> l.endsWith(" unchanged"));

    for (List<String> request : requests(scenario)) {
      List<String> offline = new ArrayList<>(List.of("explain", "-f", gatewayFile.toString(), file.toString(),
          "--instances", instancesFile.toString()));
      offline.addAll(request);
      List<String> live = new ArrayList<>(List.of("explain", "--server", server.url()));
      live.addAll(request);
      Run o = inboardctl(offline.toArray(String[]::new));
      Run l = inboardctl(live.toArray(String[]::new));
      assertThat(o.exit()).as(o.toString()).isZero();
      assertThat(l.exit()).as(l.toString()).isZero();
      assertThat(Http.JSON.readTree(l.out())).as("live explain of %s", request).isEqualTo(Http.JSON.readTree(o.out()));
      assertThat(l.out()).as("printed the same way").isEqualTo(o.out());
    }
  }

  @org.junit.jupiter.api.Test
  void analyzeReportsWhatValidateReports() throws Exception {
    String mistakes = Scenarios.text("10-canary.yaml")
        .replace("weight: 90", "weight: -90")
        .replace("subset: v2\n      weight: 10", "subset: v3\n      weight: 10")
        .replace("  - name: user-canary", "  - name: user-canary\n    colour: blue")
        .replace("prefix: /user", "regex: \"(unclosed\"");
    Path file = dir.resolve("mistakes.yaml");
    Files.writeString(file, mistakes);
    Run validate = inboardctl("validate", "-f", file.toString());
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(1);
    List<String> offline = validate.out().lines().filter(l -> l.startsWith("ERROR") || l.startsWith("WARNING")).toList();
    assertThat(offline).hasSizeGreaterThanOrEqualTo(4);

    Http.Response r = new Http(server.url()).send("POST", "/v1/analyze", mistakes, "application/yaml");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("valid").asBoolean()).isFalse();
    List<String> live = new ArrayList<>();
    for (JsonNode d : r.json().get("diagnostics")) {
      live.add(new io.inboard.core.diag.Diagnostic(io.inboard.core.diag.Severity.valueOf(d.get("severity").asText()),
          d.get("resource").asText(), d.get("path").asText(), d.get("message").asText()).toString());
    }
    // The server knows live instances; with instances registered it may add instance warnings.
    assertThat(live).containsAll(offline);
    assertThat(live.stream().filter(l -> l.startsWith("ERROR")).toList())
        .containsExactlyInAnyOrderElementsOf(offline.stream().filter(l -> l.startsWith("ERROR")).toList());
  }

  /** Requests whose decisions are reproducible: deterministic ones, and seeded sample counts. */
  private static List<List<String>> requests(String scenario) {
    List<List<String>> out = new ArrayList<>(List.of(
        List.of("--gateway", GATEWAY, "--samples", "2000", "GET", "http://user.traffic-management.example.com/"),
        List.of("--from", "traffic-management/frontend", "--samples", "2000", "GET", "http://user/"),
        List.of("--gateway", GATEWAY, "--samples", "500", "GET", "http://microservice.traffic-management.example.com/user/list"),
        List.of("--from", "traffic-management/frontend", "GET", "http://unknown-host/")));
    switch (scenario) {
      case "20-consistent-hash.yaml", "30-sticky-canary.yaml" -> {
        out.add(List.of("--from", "traffic-management/frontend", "-H", "my-header: alice", "GET", "http://user/"));
        out.add(List.of("--gateway", GATEWAY, "--samples", "2000", "--vary-header", "my-header", "GET",
            "http://user.traffic-management.example.com/"));
      }
      case "40-dark-release.yaml" -> {
        out.add(List.of("--from", "traffic-management/frontend", "-H", "mode: dev", "GET", "http://user/"));
        out.add(List.of("--gateway", GATEWAY, "GET", "http://user.traffic-management.example.com/"));
      }
      default -> { }
    }
    return out;
  }

  /** Runs inboardctl in this JVM, capturing what it prints. */
  static synchronized Run inboardctl(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Inboardctl.run(args);
      System.out.flush();
      System.err.flush();
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
