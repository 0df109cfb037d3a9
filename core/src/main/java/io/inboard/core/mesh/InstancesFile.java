package io.inboard.core.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.parse.BoundedYaml;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a static instances file: a YAML (or JSON) list of
 * {@code {id, service, namespace, address, port, labels}}, as used by {@code inboardctl explain
 * --instances} and the agent's standalone mode. A mapping with an {@code instances} list is
 * accepted too.
 *
 * <pre>
 * - id: user-v1
 *   service: user
 *   namespace: traffic-management
 *   address: 127.0.0.1
 *   port: 8081
 *   labels: {app: user, version: v1}
 * </pre>
 */
public final class InstancesFile {
  private static final Set<String> FIELDS =
      Set.of("id", "service", "namespace", "address", "port", "labels");

  private InstancesFile() {}

  /**
   * Parses the file's text.
   *
   * @throws IllegalArgumentException naming every problem found (entry index, field, how to fix)
   */
  public static List<Instance> parse(String text) {
    JsonNode root;
    try {
      root = BoundedYaml.readTree(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("instances file is not valid YAML: " + e.getMessage(), e);
    }
    return parse(root);
  }

  /**
   * Reads instances from a tree already parsed: a list, or a mapping with an {@code instances} list.
   *
   * @throws IllegalArgumentException naming every problem found (entry index, field, how to fix)
   */
  public static List<Instance> parse(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    if (root.isObject() && root.has("instances")) {
      root = root.get("instances");
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException(
          "instances file must be a YAML list of {id, service, namespace, address, port, labels}");
    }
    List<String> problems = new ArrayList<>();
    List<Instance> instances = new ArrayList<>();
    Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      Instance instance = instance(root.get(i), "[" + i + "]", problems);
      if (instance != null && !ids.add(instance.id())) {
        problems.add("[" + i + "].id: duplicate id '" + instance.id() + "'; give each instance its own id");
      }
      if (instance != null) {
        instances.add(instance);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid instances file: " + String.join("; ", problems));
    }
    return List.copyOf(instances);
  }

  private static Instance instance(JsonNode node, String at, List<String> problems) {
    if (!node.isObject()) {
      problems.add(at + ": must be a mapping {id, service, namespace, address, port, labels}");
      return null;
    }
    int before = problems.size();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        problems.add(at + "." + name + ": unknown field; known fields are " + String.join(", ",
            List.of("id", "service", "namespace", "address", "port", "labels")));
      }
    }
    String service = text(node, "service", at, true, problems);
    String namespace = text(node, "namespace", at, false, problems);
    String address = text(node, "address", at, true, problems);
    String id = text(node, "id", at, false, problems);
    int port = 0;
    JsonNode p = node.get("port");
    if (p == null || p.isNull()) {
      problems.add(at + ".port: missing; give the port the instance listens on (1-65535)");
    } else if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
      problems.add(at + ".port: '" + p.asText() + "' is not a port number; use 1-65535");
    } else {
      port = p.asInt();
    }
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode l = node.get("labels");
    if (l != null && !l.isNull()) {
      if (!l.isObject()) {
        problems.add(at + ".labels: must be a mapping of label names to values");
      } else {
        l.fields().forEachRemaining(e -> {
          if (e.getValue().isContainerNode() || e.getValue().isNull()) {
            problems.add(at + ".labels." + e.getKey() + ": must be a string value");
          } else {
            labels.put(e.getKey(), e.getValue().asText());
          }
        });
      }
    }
    if (problems.size() > before) {
      return null;
    }
    String ns = namespace == null || namespace.isEmpty() ? "default" : namespace;
    if (id == null || id.isEmpty()) {
      id = service + "-" + address + ":" + port;
    }
    return new Instance(id, service, ns, address, port, labels);
  }

  private static String text(JsonNode node, String field, String at, boolean required, List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        problems.add(at + "." + field + ": missing; it is required");
      }
      return null;
    }
    if (!v.isValueNode()) {
      problems.add(at + "." + field + ": must be a string");
      return null;
    }
    String s = v.asText();
    if (required && s.isBlank()) {
      problems.add(at + "." + field + ": must not be empty");
      return null;
    }
    return s;
  }
}
