package io.inboard.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.JsonTrees;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot as the config server sends it on {@code GET /v1/snapshot} and as an agent keeps it
 * on disk:
 *
 * <pre>
 * {"revision": 42,
 *  "resources": [ {apiVersion, kind, metadata, spec}, ... ],
 *  "instances": [ {"id", "service", "namespace", "address", "port", "labels": {...}}, ... ]}
 * </pre>
 *
 * Resources are the stored documents, exactly as applied (plus namespace and resourceVersion), so
 * a receiver parses and validates them with the same {@link ResourceParser} as the server did.
 */
public final class SnapshotWire {
  private SnapshotWire() {}

  /** One revision of the whole state, not yet compiled. */
  public record Content(long revision, List<ObjectNode> resources, List<Instance> instances) {
    public Content {
      resources = List.copyOf(resources);
      instances = List.copyOf(instances);
    }

    /**
     * Parses every resource and compiles the routing snapshot.
     *
     * @throws IllegalArgumentException naming every resource that does not parse; the caller
     *     should keep its previous snapshot
     */
    public Snapshot compile() {
      List<ParsedResource> parsed = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < resources.size(); i++) {
        ObjectNode doc = resources.get(i);
        ParseResult result = ResourceParser.parseTree(doc, "");
        if (result.hasErrors() || result.resources().size() != 1) {
          problems.add("resources[" + i + "]: " + result.diagnostics().stream()
              .filter(Diagnostic::isError).map(Diagnostic::toString).toList());
          continue;
        }
        ParsedResource r = result.resources().get(0);
        parsed.add(new ParsedResource(r.resource(), r.source(), i));
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("snapshot revision " + revision + " holds invalid resources: "
            + String.join("; ", problems));
      }
      return Snapshot.compile(revision, parsed, instances);
    }

    /** The wire form, e.g. to keep the last snapshot on disk. */
    public byte[] toJson() {
      return encode(this);
    }
  }

  public static byte[] encode(Content content) {
    ObjectNode root = JsonTrees.object();
    root.put("revision", content.revision());
    ArrayNode docs = root.putArray("resources");
    content.resources().forEach(docs::add);
    ArrayNode list = root.putArray("instances");
    content.instances().forEach(i -> list.add(instanceJson(i)));
    return JsonTrees.bytes(root);
  }

  /**
   * Reads the wire form.
   *
   * @throws IllegalArgumentException when it is not a snapshot
   */
  public static Content decode(byte[] json) {
    JsonNode root;
    try {
      root = JsonTrees.read(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("snapshot is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("revision").canConvertToLong()
        || !root.path("resources").isArray() || !root.path("instances").isArray()) {
      throw new IllegalArgumentException("not a snapshot: expected {revision, resources[], instances[]}");
    }
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode r : root.get("resources")) {
      if (!(r instanceof ObjectNode o)) {
        throw new IllegalArgumentException("snapshot resource is not an object: " + JsonTrees.string(r, false));
      }
      resources.add(o);
    }
    List<Instance> instances = new ArrayList<>();
    for (JsonNode i : root.get("instances")) {
      instances.add(instance(i));
    }
    return new Content(root.get("revision").asLong(), resources, instances);
  }

  /** Reads the wire form and compiles it; see {@link Content#compile()}. */
  public static Snapshot decodeSnapshot(byte[] json) {
    return decode(json).compile();
  }

  /** {@code {id, service, namespace, address, port, labels}}, labels in name order. */
  public static ObjectNode instanceJson(Instance i) {
    ObjectNode n = JsonTrees.object();
    n.put("id", i.id());
    n.put("service", i.service());
    n.put("namespace", i.namespace());
    n.put("address", i.address());
    n.put("port", i.port());
    ObjectNode labels = n.putObject("labels");
    new TreeMap<>(i.labels()).forEach(labels::put);
    return n;
  }

  static Instance instance(JsonNode n) {
    if (!n.isObject() || !n.path("id").isTextual() || !n.path("service").isTextual()
        || !n.path("address").isTextual() || !n.path("port").canConvertToInt()) {
      throw new IllegalArgumentException("snapshot instance needs id, service, address and port: " + JsonTrees.string(n, false));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    n.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new Instance(n.get("id").asText(), n.get("service").asText(), n.path("namespace").asText("default"),
        n.get("address").asText(), n.get("port").asInt(), labels);
  }
}
