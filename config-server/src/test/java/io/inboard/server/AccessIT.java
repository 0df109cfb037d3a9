package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens: admin writes, agent registers and reads, everyone else is refused; start-up safety. */
class AccessIT {
  private static final String ADMIN = "admin-secret-4f1c";
  private static final String AGENT = "agent-secret-9d2e";
  private static final String VS = "/v1/namespaces/traffic-management/virtualservices/user-virtual-service";
  private static final String INSTANCE = "{\"service\":\"user\",\"address\":\"127.0.0.1\",\"port\":8081}";

  @TempDir Path dataDir;

  @Test
  void writesNeedTheAdminTokenAndAgentsMayOnlyRegisterAndRead() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir,
        Map.of("INBOARD_ADMIN_TOKEN", ADMIN, "INBOARD_AGENT_TOKEN", AGENT))) {
      Http anonymous = new Http(server.url());
      Http admin = anonymous.withToken(ADMIN);
      Http agent = anonymous.withToken(AGENT);
      Http wrong = anonymous.withToken("not-the-token");
      assertThat(admin.apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);
      Map<String, String> before = DataDir.hashes(dataDir);

      Http.Response missing = anonymous.apply(Scenarios.text("00-gateway.yaml"));
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.json().get("error").asText()).contains("Bearer");
      Http.Response bad = wrong.apply(Scenarios.text("00-gateway.yaml"));
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.body()).doesNotContain("not-the-token");
      assertThat(anonymous.get(VS).status()).isEqualTo(401);
      assertThat(wrong.get("/v1/snapshot?since=-1").status()).isEqualTo(401);

      Http.Response forbidden = agent.apply(Scenarios.text("00-gateway.yaml"));
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(forbidden.json().get("error").asText()).contains("admin token");
      assertThat(agent.delete(VS).status()).isEqualTo(403);
      assertThat(DataDir.hashes(dataDir)).isEqualTo(before);

      assertThat(agent.get(VS).status()).isEqualTo(200);
      assertThat(agent.get("/v1/snapshot?since=-1").status()).isEqualTo(200);
      assertThat(agent.send("PUT", "/v1/namespaces/traffic-management/instances/u1", INSTANCE, "application/json")
          .status()).isEqualTo(200);
      assertThat(agent.delete("/v1/namespaces/traffic-management/instances/u1").status()).isEqualTo(200);
      assertThat(anonymous.send("PUT", "/v1/namespaces/traffic-management/instances/u1", INSTANCE,
          "application/json").status()).isEqualTo(401);
      assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void tokensComeFromFilesAndAreNeverLogged() throws Exception {
    Path adminFile = dataDir.resolve("admin.token");
    Files.writeString(adminFile, ADMIN + "\n");
    Path data = dataDir.resolve("data");
    ServerProcess server = ServerProcess.start(data, "--admin-token-file", adminFile.toString());
    Http admin = new Http(server.url(), ADMIN);
    assertThat(admin.apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(200);
    assertThat(new Http(server.url()).apply(Scenarios.text("00-gateway.yaml")).status()).isEqualTo(401);
    server.close();
    assertThat(server.output()).contains("admin created gateway traffic-management/microservice-gateway").doesNotContain(ADMIN);
  }

  @Test
  void aTokenOutsideVisibleAsciiIsRefusedAtStart() throws Exception {
    // A header arrives as ISO-8859-1 text, so "pässwort" could never be presented: refuse it at start
    // rather than lock everyone out with 401s.
    String token = "pässwort-4f1c";
    Path adminFile = dataDir.resolve("admin.token");
    Files.writeString(adminFile, token + "\n", StandardCharsets.UTF_8);
    ServerProcess.Exit fromFile = run(Map.of(), "--admin-token-file", adminFile.toString());
    assertThat(fromFile.code()).as(fromFile.output()).isEqualTo(2);
    assertThat(fromFile.output()).contains("admin token", adminFile.toString(), "visible ASCII")
        .doesNotContain("sswort");

    ServerProcess.Exit fromVariable = run(Map.of("INBOARD_ADMIN_TOKEN", ADMIN, "INBOARD_AGENT_TOKEN", "agent secret"));
    assertThat(fromVariable.code()).as(fromVariable.output()).isEqualTo(2);
    assertThat(fromVariable.output()).contains("INBOARD_AGENT_TOKEN", "visible ASCII").doesNotContain("agent secret");
  }

  @Test
  void aBlankTokenVariableIsRefusedLikeAnEmptyTokenFile() throws Exception {
    // A secret that resolved to whitespace must not silently mean "no tokens" (an open server).
    ServerProcess.Exit blankAdmin = run(Map.of("INBOARD_ADMIN_TOKEN", "   "));
    assertThat(blankAdmin.code()).as(blankAdmin.output()).isEqualTo(2);
    assertThat(blankAdmin.output()).contains("INBOARD_ADMIN_TOKEN is set but blank");

    ServerProcess.Exit blankAgent = run(Map.of("INBOARD_ADMIN_TOKEN", ADMIN, "INBOARD_AGENT_TOKEN", ""));
    assertThat(blankAgent.code()).as(blankAgent.output()).isEqualTo(2);
    assertThat(blankAgent.output()).contains("INBOARD_AGENT_TOKEN is set but blank");

    Path emptyFile = dataDir.resolve("empty.token");
    Files.writeString(emptyFile, " \n");
    ServerProcess.Exit empty = run(Map.of(), "--admin-token-file", emptyFile.toString());
    assertThat(empty.code()).as(empty.output()).isEqualTo(2);
    assertThat(empty.output()).contains("is empty");
  }

  /** Runs the server expecting it to refuse to start. */
  private ServerProcess.Exit run(Map<String, String> env, String... extraArgs) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--data-dir", dataDir.resolve("data").toString()));
    args.addAll(List.of(extraArgs));
    return ServerProcess.refusedStart(env, args.toArray(new String[0]));
  }

  @Test
  void refusesToBindBeyondLoopbackWithoutTokens() throws Exception {
    Process p = new ProcessBuilder(List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar().toString(),
        "--bind", "0.0.0.0", "--port", "0", "--data-dir", dataDir.toString()))
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).isNotZero();
    assertThat(output).contains("refusing to bind 0.0.0.0 without tokens").contains("INBOARD_ADMIN_TOKEN");
  }

  @Test
  void helpDocumentsEveryOptionAndVariable() throws Exception {
    Process p = new ProcessBuilder(List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.jar().toString(),
        "--help")).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).isZero();
    assertThat(output).contains("--port", "--bind", "--data-dir", "--admin-token-file", "--agent-token-file",
        "INBOARD_ADMIN_TOKEN", "INBOARD_AGENT_TOKEN", "--etcd-ca-file", "--etcd-cert-file", "--etcd-key-file",
        "--etcd-user", "--etcd-password-file", "INBOARD_ETCD_CA_FILE", "INBOARD_ETCD_PASSWORD");
  }
}
