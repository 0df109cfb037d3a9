package io.inboard.core.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.DestinationRuleSpec;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.GatewaySpec;
import io.inboard.core.model.ObjectMeta;
import io.inboard.core.model.Resource;
import io.inboard.core.model.VirtualService;
import io.inboard.core.model.VirtualServiceSpec;
import java.util.List;
import java.util.Map;

/**
 * Turns one document ({@code apiVersion/kind/metadata/spec}) into a validated {@link Resource},
 * reporting every problem with its path. Checks that span documents (duplicates) and syntax are
 * the parser's job.
 */
public final class ResourceReader {
  /** The API versions of Istio's networking resources that Inboard reads. */
  public static final List<String> API_VERSIONS =
      List.of("networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3");

  /** The kinds Inboard reads. */
  public static final List<String> KINDS =
      List.of(VirtualService.KIND, DestinationRule.KIND, Gateway.KIND);

  private static final Schema DOCUMENT =
      Schema.of("apiVersion", "kind", "metadata", "spec").ignored("status");
  private static final Schema METADATA =
      Schema.of("name", "namespace", "resourceVersion", "labels", "annotations")
          .ignored("uid", "creationTimestamp", "generation", "managedFields", "selfLink",
              "generateName", "ownerReferences", "finalizers", "deletionTimestamp",
              "deletionGracePeriodSeconds");

  private ResourceReader() {}

  /**
   * What reading one document gave: the resource ({@code null} when the document has errors) and
   * every diagnostic, labelled with {@link #label}.
   */
  public record Outcome(Resource resource, String label, List<Diagnostic> diagnostics) {
    public Outcome {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  /**
   * Reads {@code document}.
   *
   * @param source prefix for the document's label, e.g. the file name; may be empty
   * @param documentNumber 1-based position in the input, named when the document has no name
   */
  public static Outcome read(JsonNode document, String source, int documentNumber) {
    String prefix = source == null || source.isEmpty() ? "" : source + " ";
    Problems problems = new Problems(prefix + "document " + documentNumber);
    Field root = Field.root(document, problems);
    if (!root.object(DOCUMENT)) {
      if (root.present()) {
        problems.error("", "a document must be a mapping with apiVersion, kind, metadata and spec");
      }
      return new Outcome(null, problems.resource(), problems.all());
    }
    // Label the document by kind and name as written, so even errors in metadata say which one.
    JsonNode kindNode = document.get("kind");
    JsonNode nameNode = document.path("metadata").get("name");
    if (kindNode != null && kindNode.isTextual() && nameNode != null && nameNode.isTextual()) {
      JsonNode ns = document.path("metadata").get("namespace");
      String namespace = ns != null && ns.isTextual() && !ns.textValue().isEmpty()
          ? ns.textValue() : "default";
      problems.resource(prefix + kindNode.textValue() + " " + namespace + "/" + nameNode.textValue());
    }
    String kind = kind(root.get("kind"));
    ObjectMeta metadata = metadata(root.get("metadata"));
    String apiVersion = apiVersion(root.get("apiVersion"));

    Field spec = root.get("spec");
    if (!spec.present()) {
      spec.error("is required; every " + (kind == null ? "resource" : kind) + " needs a spec");
    }
    Resource resource = null;
    if (kind != null && spec.present()) {
      resource = switch (kind) {
        case VirtualService.KIND -> {
          VirtualServiceSpec s = VirtualServiceReader.read(spec, metadata == null ? null : metadata.namespace());
          yield s == null ? null : new VirtualService(apiVersion, metadata, s);
        }
        case DestinationRule.KIND -> {
          DestinationRuleSpec s = DestinationRuleReader.read(spec, metadata == null ? null : metadata.namespace());
          yield s == null ? null : new DestinationRule(apiVersion, metadata, s);
        }
        default -> {
          GatewaySpec s = GatewayReader.read(spec);
          yield s == null ? null : new Gateway(apiVersion, metadata, s);
        }
      };
    }
    if (problems.hasErrors() || apiVersion == null || metadata == null) {
      resource = null;
    }
    return new Outcome(resource, problems.resource(), problems.all());
  }

  private static String apiVersion(Field f) {
    if (!f.present()) {
      f.error("is required; use networking.istio.io/v1");
      return null;
    }
    String v = f.string();
    if (v == null) {
      return null;
    }
    if (!API_VERSIONS.contains(v)) {
      f.error("'" + Names.abbreviate(v) + "' is not supported; use networking.istio.io/v1 (v1beta1 and v1alpha3 are "
          + "accepted too)");
      return null;
    }
    return v;
  }

  private static String kind(Field f) {
    if (!f.present()) {
      f.error("is required; use one of " + String.join(", ", KINDS));
      return null;
    }
    String kind = f.string();
    if (kind == null) {
      return null;
    }
    if (!KINDS.contains(kind)) {
      String nearest = Schema.of(KINDS.toArray(String[]::new)).nearest(kind);
      f.error("unknown kind '" + Names.abbreviate(kind) + "'; Inboard reads " + String.join(", ", KINDS)
          + (nearest != null ? " (did you mean " + nearest + "?)" : ""));
      return null;
    }
    return kind;
  }

  private static ObjectMeta metadata(Field f) {
    if (!f.present()) {
      f.error("is required; give at least metadata.name");
      return null;
    }
    if (!f.object(METADATA)) {
      return null;
    }
    boolean ok = true;
    Field nameField = f.get("name");
    String name = nameField.string();
    if (!nameField.present()) {
      nameField.error("is required, e.g. name: user-routes");
      ok = false;
    } else if (name != null) {
      String problem = Names.dns1123LabelProblem(name, "a resource name");
      if (problem != null) {
        nameField.error(problem);
      }
    } else {
      ok = false;
    }
    Field nsField = f.get("namespace");
    String namespace = nsField.string();
    if (namespace != null) {
      String problem = Names.dns1123LabelProblem(namespace, "a namespace");
      if (problem != null) {
        nsField.error(problem);
        namespace = null;
      }
    } else if (nsField.present()) {
      ok = false;
    }
    Field versionField = f.get("resourceVersion");
    String resourceVersion = versionField.present() ? versionField.scalarText() : null;
    Map<String, String> labels = Labels.read(f.get("labels"));
    Map<String, String> annotations = new java.util.LinkedHashMap<>();
    f.get("annotations").entries().forEach((k, v) -> {
      String text = v.scalarText();
      if (text != null) {
        annotations.put(k, text);
      }
    });
    return ok ? new ObjectMeta(name, namespace, resourceVersion, labels, annotations) : null;
  }

}
