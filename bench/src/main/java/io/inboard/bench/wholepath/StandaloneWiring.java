package io.inboard.bench.wholepath;

import io.inboard.bench.harness.Launched;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agents read the {@code 10-canary} rules and the two user instances from one local file
 * ({@code inboard.config}): no config server, so nothing but the agents themselves is measured.
 */
final class StandaloneWiring implements MeshWiring {
  private final Path rules;
  private final Path file;

  /** {@code setupName} gives each inboard set-up of a run its own file (inboard, inboard-2). */
  StandaloneWiring(Path rules, Path workDir, String setupName) {
    this.rules = rules;
    this.file = workDir.resolve(setupName + "-standalone.yaml").toAbsolutePath();
  }

  @Override
  public void prepare(int userV1Port, int userV2Port) {
    try {
      String text = Files.readString(rules).strip() + "\n---\n" + """
          apiVersion: inboard.io/v1
          kind: Instances
          instances:
          - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: %d, labels: {app: user, version: v1}}
          - {id: user-v2, service: user, namespace: traffic-management, address: 127.0.0.1, port: %d, labels: {app: user, version: v2}}
          """.formatted(userV1Port, userV2Port);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the standalone rules file " + file, e);
    }
  }

  @Override
  public List<String> agentOptions(String service, String version, int port) {
    return List.of("-Dinboard.config=" + file, "-Dinboard.service=" + service,
        "-Dinboard.namespace=traffic-management", "-Dinboard.labels=app=" + service + ",version=" + version,
        "-Dinboard.port=" + port);
  }

  @Override
  public List<Launched> support() {
    return List.of();
  }

  @Override
  public String describe() {
    return "standalone rules file (10-canary + the two user instances), no config server";
  }
}
