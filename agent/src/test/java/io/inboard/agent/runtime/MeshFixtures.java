package io.inboard.agent.runtime;

import io.inboard.core.controlplane.StandaloneRulesFile;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.RequestView;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The walk-through's rules and two {@code user} instances, and requests to route against them. */
final class MeshFixtures {
  static final String INSTANCES =
      "kind: Instances\n"
          + "instances:\n"
          + "- {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 18081, labels: {app: user, version: v1}}\n"
          + "- {id: user-v2, service: user, namespace: traffic-management, address: 127.0.0.1, port: 18082, labels: {app: user, version: v2}}\n";

  static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of("version", "v1"));

  private MeshFixtures() {}

  static String scenario(String name) throws IOException {
    try (InputStream in = MeshFixtures.class.getResourceAsStream("/scenarios/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A rules file: the gateway, one scenario, the two instances. */
  static Path rulesFile(Path dir, String scenario) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(
        file, scenario("00-gateway.yaml") + "\n---\n" + scenario(scenario) + "\n---\n" + INSTANCES);
    return file;
  }

  /** The consistent-hash walk-through with {@code extra} documents after it, as a snapshot at {@code revision}. */
  static Snapshot walkThroughWith(Path dir, String extra, long revision) throws IOException {
    Path file = rulesFile(dir, "20-consistent-hash.yaml");
    Files.writeString(file, Files.readString(file) + extra);
    return StandaloneRulesFile.read(file, revision).snapshot();
  }

  /** The same as a snapshot in wire form, at {@code revision}. */
  static SnapshotWire.Content content(Path dir, String scenario, long revision) throws IOException {
    return StandaloneRulesFile.read(rulesFile(dir, scenario), revision).content();
  }

  /** {@code GET http://user/} from the frontend, with optional headers. */
  static RequestView userCall(Map<String, String> headers) {
    return new RequestView() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String scheme() {
        return "http";
      }

      @Override
      public String authority() {
        return "user";
      }

      @Override
      public String path() {
        return "/";
      }

      @Override
      public String query() {
        return null;
      }

      @Override
      public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
      }

      @Override
      public Workload source() {
        return FRONTEND;
      }

      @Override
      public String gateway() {
        return null;
      }
    };
  }
}
