package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resources over REST: get, list, put, delete, multi-document apply, analyze and explain. Input
 * goes through the same steps everywhere — read bounded, split into documents, parse and
 * validate with the routing core, check names — and is refused as a whole at the first step
 * that finds a problem, before anything is stored.
 */
final class ResourceEndpoints {
  private final ControlPlane controlPlane;
  private final ServerMetrics metrics;

  ResourceEndpoints(ControlPlane controlPlane, ServerMetrics metrics) {
    this.controlPlane = controlPlane;
    this.metrics = metrics;
  }

  void get(Exchange ex, ResourceKey key) {
    StoredResource r = controlPlane.current().resources().stream()
        .filter(s -> s.key().equals(key)).findFirst()
        .orElseThrow(() -> ApiError.notFound(key + " not found"));
    ex.sendJson(200, r.document());
  }

  void list(Exchange ex, ResourceKind kind, String namespace) {
    Published p = controlPlane.current();
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("kind", kind.kind() + "List");
    body.put("revision", p.revision());
    ArrayNode items = body.putArray("items");
    for (StoredResource r : p.resources()) {
      if (r.key().kind() == kind && (namespace == null || r.key().namespace().equals(namespace))) {
        items.add(r.document());
      }
    }
    ex.sendJson(200, body);
  }

  void put(Exchange ex, ResourceKey key, Caller caller) {
    long start = System.nanoTime();
    ObjectNode doc = BodySyntax.singleObject(RequestBody.read(ex.request), "a PUT body");
    checkAgreesWithUrl(doc, key);
    // The tree has its aliases expanded already, so its JSON form means exactly the same.
    ParseResult parsed = parse(doc.toString(), 1);
    respondApplied(ex, controlPlane.apply(parsed.resources(), caller), parsed);
    metrics.apply(System.nanoTime() - start);
  }

  void apply(Exchange ex, Caller caller) {
    long start = System.nanoTime();
    RequestBody.Text body = RequestBody.read(ex.request);
    int documents = BodySyntax.check(body);
    ParseResult parsed = parse(body.text(), documents);
    respondApplied(ex, controlPlane.apply(parsed.resources(), caller), parsed);
    metrics.apply(System.nanoTime() - start);
  }

  void delete(Exchange ex, ResourceKey key, Caller caller) {
    String expected = QueryParams.param(ex.request, "resourceVersion");
    long revision = controlPlane.delete(key, expected == null || expected.isEmpty() ? null : expected, caller);
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("revision", revision);
    ObjectNode deleted = body.putObject("deleted");
    deleted.put("kind", key.kind().kind());
    deleted.put("namespace", key.namespace());
    deleted.put("name", key.name());
    ex.sendJson(200, body);
  }

  /**
   * Validates without storing: the findings of {@code inboardctl validate} on the same text, the
   * analysis run against the live instances (none registered: no instance warnings, as offline).
   */
  void analyze(Exchange ex) {
    RequestBody.Text text = RequestBody.read(ex.request);
    BodySyntax.check(text);
    ParseResult parsed = MeshCore.parse(text.text());
    List<Diagnostic> all = new ArrayList<>(parsed.diagnostics());
    all.addAll(nameDiagnostics(parsed.resources()));
    all.addAll(MeshCore.analyze(parsed.resources(), liveInstancesOrNull(controlPlane.current())));
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("valid", all.stream().noneMatch(Diagnostic::isError));
    ArrayNode list = body.putArray("diagnostics");
    all.forEach(d -> list.add(diagnosticJson(d)));
    ex.sendJson(200, body);
  }

  /** With no instance registered yet the server knows nothing about instances, like offline validate. */
  private static List<io.inboard.core.mesh.Instance> liveInstancesOrNull(Published p) {
    return p.instances().isEmpty() ? null : p.instances();
  }

  /** Decides a described request against the live snapshot, exactly as {@code inboardctl explain}. */
  void explain(Exchange ex) {
    ObjectNode request = BodySyntax.singleObject(RequestBody.read(ex.request), "an explain request");
    Published p = controlPlane.current();
    ObjectNode out;
    try {
      out = MeshCore.explain(p.snapshot(), request);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid("invalid explain request: " + e.getMessage(), List.of());
    }
    ex.sendJson(200, out);
  }

  private void respondApplied(Exchange ex, ControlPlane.ApplyResult result, ParseResult parsed) {
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("revision", result.revision());
    ArrayNode items = body.putArray("resources");
    for (ControlPlane.Outcome o : result.outcomes()) {
      ObjectNode n = items.addObject();
      n.put("kind", o.key().kind().kind());
      n.put("namespace", o.key().namespace());
      n.put("name", o.key().name());
      n.put("action", o.action().word());
      n.put("resourceVersion", Long.toString(o.version()));
    }
    ArrayNode warnings = body.putArray("warnings");
    parsed.diagnostics().stream().filter(d -> !d.isError()).forEach(d -> warnings.add(diagnosticJson(d)));
    Published p = controlPlane.current();
    Set<String> applied = new HashSet<>();
    result.outcomes().forEach(o -> applied.add(o.key().kind().kind() + " " + o.key().namespace() + "/" + o.key().name()));
    try {
      // Analysis of the whole new state, reported for the resources of this request.
      MeshCore.analyze(p.parsedResources(), liveInstancesOrNull(p)).stream()
          .filter(d -> !d.isError() && d.resource() != null && applied.stream().anyMatch(d.resource()::endsWith))
          .forEach(d -> warnings.add(diagnosticJson(d)));
    } catch (RuntimeException e) {
      // Analysis only informs; a failure in it must not turn a stored write into an error.
      warnings.addObject().put("severity", "WARNING").put("message", "analysis unavailable: " + e.getMessage());
    }
    ex.sendJson(200, body);
  }

  /** Parses and validates every document; refuses all of them (422) if any is invalid. */
  private ParseResult parse(String text, int documents) {
    ParseResult parsed;
    try {
      parsed = MeshCore.parse(text);
    } catch (RuntimeException e) {
      throw ApiError.badRequest("malformed input: " + e.getMessage());
    }
    List<ApiError.Detail> errors = new ArrayList<>();
    for (Diagnostic d : parsed.diagnostics()) {
      if (d.isError()) {
        errors.add(new ApiError.Detail(d.resource(), d.path(), d.message()));
      }
    }
    for (Diagnostic d : nameDiagnostics(parsed.resources())) {
      errors.add(new ApiError.Detail(d.resource(), d.path(), d.message()));
    }
    Set<ResourceKey> seen = new HashSet<>();
    for (ParsedResource r : parsed.resources()) {
      ResourceKey key = ControlPlane.keyOf(r);
      if (!seen.add(key)) {
        errors.add(new ApiError.Detail(describe(r), "metadata.name",
            key + " appears more than once in this apply; keep one document per resource"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiError.invalid(errors.size() + (errors.size() == 1 ? " problem" : " problems") + " in "
          + documents + (documents == 1 ? " document" : " documents") + "; nothing was applied", errors);
    }
    if (parsed.resources().isEmpty()) {
      throw ApiError.badRequest("the request body holds no resource");
    }
    return parsed;
  }

  private static List<Diagnostic> nameDiagnostics(List<ParsedResource> resources) {
    List<Diagnostic> out = new ArrayList<>();
    for (ParsedResource r : resources) {
      String nameProblem = Names.labelProblem("name", r.resource().metadata().name());
      if (nameProblem != null) {
        out.add(Diagnostic.error(describe(r), "metadata.name", nameProblem));
      }
      String nsProblem = Names.labelProblem("namespace", r.resource().metadata().namespace());
      if (nsProblem != null) {
        out.add(Diagnostic.error(describe(r), "metadata.namespace", nsProblem));
      }
    }
    return out;
  }

  private static String describe(ParsedResource r) {
    return r.resource().kind() + " " + Names.printable(r.resource().key());
  }

  /** A PUT's body names the resource of its URL; a mismatch is refused, never silently moved. */
  private static void checkAgreesWithUrl(ObjectNode doc, ResourceKey key) {
    List<ApiError.Detail> problems = new ArrayList<>();
    JsonNode kind = doc.get("kind");
    if (kind == null || !kind.asText().equals(key.kind().kind())) {
      problems.add(ApiError.Detail.of("kind", "is " + (kind == null ? "missing" : "'" + Names.printable(kind.asText()) + "'")
          + " but the URL is for a " + key.kind().kind()));
    }
    JsonNode metadata = doc.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      problems.add(ApiError.Detail.of("metadata", "must be a mapping"));
    } else {
      JsonNode name = metadata == null ? null : metadata.get("name");
      if (name == null || !name.asText().equals(key.name())) {
        problems.add(ApiError.Detail.of("metadata.name", "is " + (name == null ? "missing" : "'" + Names.printable(name.asText()) + "'")
            + " but the URL names '" + key.name() + "'"));
      }
      JsonNode ns = metadata == null ? null : metadata.get("namespace");
      if (ns != null && !ns.asText().equals(key.namespace())) {
        problems.add(ApiError.Detail.of("metadata.namespace", "is '" + Names.printable(ns.asText())
            + "' but the URL names namespace '" + key.namespace() + "'"));
      }
      if (problems.isEmpty() && ns == null) {
        doc.withObjectProperty("metadata").put("namespace", key.namespace());
      }
    }
    if (!problems.isEmpty()) {
      throw new ApiError(400, "the body does not match the URL " + key + "; fix the body or PUT to its own URL", problems);
    }
  }

  static ObjectNode diagnosticJson(Diagnostic d) {
    ObjectNode n = Exchange.JSON.createObjectNode();
    n.put("severity", d.severity().name());
    n.put("resource", d.resource() == null ? "" : d.resource());
    n.put("path", d.path() == null ? "" : d.path());
    n.put("message", d.message());
    return n;
  }

}
