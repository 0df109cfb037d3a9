package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import io.inboard.core.validate.Analyzer;
import java.util.List;

/**
 * The one place where the server calls the routing core's parser, analyzer, compiler and
 * explainer, so that the rest of the server depends on its records only.
 */
final class MeshCore {
  private MeshCore() {}

  /** Parses and validates YAML or JSON text of one or more documents. */
  static ParseResult parse(String text) {
    return ResourceParser.parse(text);
  }

  /** The {@code istioctl analyze}-style findings over a set of valid resources and live instances. */
  static List<Diagnostic> analyze(List<ParsedResource> resources, List<Instance> instances) {
    return Analyzer.analyze(resources, instances);
  }

  static Snapshot compile(long revision, List<ParsedResource> resources, List<Instance> instances) {
    return Snapshot.compile(revision, resources, instances);
  }

  /**
   * Decides the described request against the snapshot.
   *
   * @throws IllegalArgumentException when the description is not a valid explain request
   */
  static ObjectNode explain(Snapshot snapshot, JsonNode request) {
    return Explainer.explain(snapshot, ExplainRequest.fromJson(request));
  }
}
