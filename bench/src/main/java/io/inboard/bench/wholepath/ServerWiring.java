package io.inboard.bench.wholepath;

import io.inboard.bench.harness.HttpProbe;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real control plane: a config server holding the {@code 10-canary} rules; each agent registers
 * its instance and watches the snapshot, exactly as in production.
 */
final class ServerWiring implements MeshWiring {
  private final Launcher launcher;
  private final Path serverJar;
  private final Path rules;
  private final Path workDir;
  private final String role;
  private Launched server;

  /** {@code setupName} tells apart the servers of two inboard set-ups in one run (inboard, inboard-2). */
  ServerWiring(Launcher launcher, Path serverJar, Path rules, Path workDir, String setupName) {
    this.launcher = launcher;
    this.serverJar = serverJar;
    this.rules = rules;
    this.workDir = workDir;
    this.role = setupName.equals("inboard") ? "config-server" : setupName + " config-server";
  }

  @Override
  public void prepare(int userV1Port, int userV2Port) {
    int port = Launcher.freePort();
    Path data = workDir.resolve(role.replace(' ', '-') + "-data");
    try {
      // A fresh store each run: no resources or leases left over from an earlier one.
      if (Files.exists(data)) {
        try (var paths = Files.walk(data)) {
          for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(data);
      List<String> command = new ArrayList<>(List.of(Setups.javaExecutable(), "-Xmx256m", "-jar",
          serverJar.toAbsolutePath().toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
          "--data-dir", data.toString()));
      server = launcher.start(role, port, command, Map.of());
      HttpProbe.awaitOk(server, "/v1/snapshot?since=-1&timeoutSeconds=0", Duration.ofMillis(100), Duration.ofSeconds(60));
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/apply"))
              .header("Content-Type", "application/yaml")
              .POST(HttpRequest.BodyPublishers.ofString(Files.readString(rules))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException("applying " + rules + " answered " + response.statusCode() + ": "
            + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the config server: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public List<String> agentOptions(String service, String version, int port) {
    return List.of("-Dinboard.server=http://127.0.0.1:" + server.port(), "-Dinboard.service=" + service,
        "-Dinboard.namespace=traffic-management", "-Dinboard.labels=app=" + service + ",version=" + version,
        "-Dinboard.address=127.0.0.1", "-Dinboard.port=" + port);
  }

  @Override
  public List<Launched> support() {
    return server == null ? List.of() : List.of(server);
  }

  @Override
  public String describe() {
    return "config server on loopback holding 10-canary; agents register and watch";
  }
}
