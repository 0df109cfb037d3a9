package io.inboard.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.BoundedYaml;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone rules file that the agent ({@code config=FILE}) and the gateway ({@code --config})
 * read instead of watching a config server: Istio documents as they would be applied to the server,
 * plus documents listing static instances, which have an {@code instances:} list and either no
 * {@code kind} or {@code kind: Instances}:
 *
 * <pre>
 * kind: Instances
 * instances:
 * - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {version: v1}}
 * </pre>
 *
 * It is read into the config server's wire form, so a file is handled exactly as a snapshot from
 * the server.
 */
public final class StandaloneRulesFile {
  /** A file read and compiled: the wire form (for caches and {@code /config}) and the snapshot. */
  public record Loaded(SnapshotWire.Content content, Snapshot snapshot) {}

  private StandaloneRulesFile() {}

  /**
   * Reads and compiles {@code file} as snapshot {@code revision}; nothing is returned unless the
   * whole file is valid.
   *
   * @throws IllegalArgumentException naming the file, and each document and problem in it
   */
  public static Loaded read(Path file, long revision) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<ObjectNode> resources = new ArrayList<>();
    List<Instance> instances = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<JsonNode> documents;
    try {
      documents = BoundedYaml.readAll(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage());
    }
    for (int at = 0; at < documents.size(); at++) {
      JsonNode doc = documents.get(at);
      if (!(doc instanceof ObjectNode object)) {
        problems.add("document " + at + ": must be a mapping (an Istio resource or an instances list)");
      } else if (isInstancesDocument(object)) {
        try {
          instances.addAll(InstancesFile.parse(object.get("instances")));
        } catch (IllegalArgumentException e) {
          problems.add("document " + at + " (instances): " + e.getMessage());
        }
      } else {
        resources.add(object);
      }
    }
    SnapshotWire.Content content = new SnapshotWire.Content(revision, resources, instances);
    Snapshot snapshot = null;
    try {
      snapshot = content.compile();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + " is invalid (nothing applied): " + String.join("; ", problems));
    }
    return new Loaded(content, snapshot);
  }

  private static boolean isInstancesDocument(ObjectNode object) {
    return object.has("instances") && (!object.has("kind") || "Instances".equals(object.path("kind").asText()));
  }
}
