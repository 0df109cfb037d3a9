package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Instance leases over REST: an agent PUTs {@code {service, address, port, labels, ttlSeconds}} to
 * register and again to renew (a heartbeat), DELETEs on graceful shutdown; leases not renewed
 * within their ttl expire on their own.
 */
final class InstanceEndpoints {
  static final int DEFAULT_TTL_SECONDS = 30;
  static final int MAX_TTL_SECONDS = 3600;
  private static final Set<String> FIELDS =
      Set.of("id", "namespace", "service", "address", "port", "labels", "ttlSeconds");

  private final ControlPlane controlPlane;

  InstanceEndpoints(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  void list(Exchange ex, String namespace) {
    String service = QueryParams.param(ex.request, "service");
    Published p = controlPlane.current();
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("revision", p.revision());
    ArrayNode items = body.putArray("items");
    for (Instance i : p.instances()) {
      if ((namespace == null || i.namespace().equals(namespace)) && (service == null || i.service().equals(service))) {
        items.add(SnapshotWire.instanceJson(i));
      }
    }
    ex.sendJson(200, body);
  }

  void get(Exchange ex, String namespace, String id) {
    Instance found = controlPlane.current().instances().stream()
        .filter(i -> i.namespace().equals(namespace) && i.id().equals(id))
        .findFirst()
        .orElseThrow(() -> ApiError.notFound("instance " + namespace + "/" + id + " not found"));
    ex.sendJson(200, SnapshotWire.instanceJson(found));
  }

  void register(Exchange ex, String namespace, String id, Caller caller) {
    ObjectNode body = BodySyntax.singleObject(RequestBody.read(ex.request), "an instance registration");
    List<ApiError.Detail> problems = new ArrayList<>();
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        problems.add(ApiError.Detail.of(f, "unknown field; an instance has service, address, port, labels, ttlSeconds"));
      }
    }
    agree(body, "id", id, problems);
    agree(body, "namespace", namespace, problems);
    String service = text(body, "service", problems);
    if (service != null) {
      String p = Names.labelProblem("service", service);
      if (p != null) {
        problems.add(ApiError.Detail.of("service", p));
      }
    }
    String address = text(body, "address", problems);
    if (address != null && (address.length() > 253 || !address.matches("[A-Za-z0-9.:\\[\\]%_-]+"))) {
      problems.add(ApiError.Detail.of("address", "'" + Names.printable(address) + "' is not an IP address or host name"));
    }
    int port = intField(body, "port", 0, 1, 65535, problems);
    int ttl = intField(body, "ttlSeconds", DEFAULT_TTL_SECONDS, 1, MAX_TTL_SECONDS, problems);
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode l = body.get("labels");
    if (l != null && !l.isNull()) {
      if (!l.isObject()) {
        problems.add(ApiError.Detail.of("labels", "must be a mapping of label names to string values"));
      } else {
        l.properties().forEach(e -> {
          if (!e.getValue().isValueNode() || e.getValue().isNull()) {
            problems.add(ApiError.Detail.of("labels." + e.getKey(), "must be a string value"));
          } else {
            labels.put(e.getKey(), e.getValue().asText());
          }
        });
      }
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid("invalid instance registration for " + namespace + "/" + id, problems);
    }
    Instance instance = new Instance(id, service, namespace, address, port, labels);
    long revision = controlPlane.register(instance, Duration.ofSeconds(ttl), caller);
    ObjectNode out = Exchange.JSON.createObjectNode();
    out.put("revision", revision);
    out.put("ttlSeconds", ttl);
    out.set("instance", SnapshotWire.instanceJson(instance));
    ex.sendJson(200, out);
  }

  void deregister(Exchange ex, String namespace, String id, Caller caller) {
    long revision = controlPlane.deregister(namespace, id, caller);
    ex.sendJson(200, Exchange.JSON.createObjectNode().put("revision", revision));
  }

  private static void agree(ObjectNode body, String field, String expected, List<ApiError.Detail> problems) {
    JsonNode v = body.get(field);
    if (v != null && !v.asText().equals(expected)) {
      problems.add(ApiError.Detail.of(field, "is '" + Names.printable(v.asText()) + "' but the URL says '" + expected + "'"));
    }
  }

  private static String text(ObjectNode body, String field, List<ApiError.Detail> problems) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
      problems.add(ApiError.Detail.of(field, "missing; it is required"));
      return null;
    }
    return v.asText();
  }

  private static int intField(ObjectNode body, String field, int dflt, int min, int max, List<ApiError.Detail> problems) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (dflt == 0) {
        problems.add(ApiError.Detail.of(field, "missing; it is required"));
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      problems.add(ApiError.Detail.of(field, "'" + v.asText() + "' must be a whole number in [" + min + ", " + max + "]"));
      return dflt;
    }
    return v.asInt();
  }
}
