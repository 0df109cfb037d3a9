package io.inboard.agent.runtime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.BoundedYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone rules file ({@code config=FILE}): Istio documents as applied to a config server,
 * plus documents listing static instances, which have an {@code instances:} list and either no
 * {@code kind} or {@code kind: Instances}:
 *
 * <pre>
 * kind: Instances
 * instances:
 * - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {version: v1}}
 * </pre>
 *
 * The same format as the gateway's standalone file. It is read into the config server's wire form,
 * so that the agent handles it exactly as a snapshot from the server.
 */
final class StandaloneRules {
  private StandaloneRules() {}

  /**
   * Reads {@code file} as snapshot {@code revision}.
   *
   * @throws IllegalArgumentException naming the file, the document and every problem in it
   */
  static SnapshotWire.Content read(Path file, long revision) throws IOException {
    String text = Files.readString(file);
    List<ObjectNode> resources = new ArrayList<>();
    List<Instance> instances = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = BoundedYaml.yaml().readerFor(JsonNode.class).readValues(text)) {
      int index = 0;
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        int at = index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!(doc instanceof ObjectNode object)) {
          problems.add("document " + at + ": must be a mapping (an Istio resource or an instances list)");
          continue;
        }
        boolean instancesDoc =
            object.has("instances") && (!object.has("kind") || "Instances".equals(object.path("kind").asText()));
        if (instancesDoc) {
          try {
            instances.addAll(InstancesFile.parse(BoundedYaml.json().writeValueAsString(object.get("instances"))));
          } catch (IllegalArgumentException e) {
            problems.add("document " + at + " (instances): " + e.getMessage());
          }
        } else {
          resources.add(object);
        }
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          file
              + " is not valid YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + " is invalid (nothing applied): " + String.join("; ", problems));
    }
    return new SnapshotWire.Content(revision, resources, instances);
  }
}
