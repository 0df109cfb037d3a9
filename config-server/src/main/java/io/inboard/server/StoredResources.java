package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Stored documents read back into resources, whichever store they come from. */
final class StoredResources {
  private StoredResources() {}

  /**
   * Every stored document must still parse, and each resource be stored once; a store the server
   * cannot read is not served half. (Of a resource stored twice, say in a hand-merged state file,
   * one copy would be served and the next commit would drop the other from disk.)
   */
  static List<StoredResource> parse(List<ObjectNode> documents) throws IOException {
    List<StoredResource> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    java.util.Map<ResourceKey, Integer> copies = new java.util.LinkedHashMap<>();
    for (ObjectNode doc : documents) {
      ParseResult parsed = MeshCore.parse(doc.toString());
      if (parsed.hasErrors() || parsed.resources().size() != 1) {
        problems.add(doc.path("kind").asText() + " " + doc.path("metadata").path("namespace").asText() + "/"
            + doc.path("metadata").path("name").asText() + ": "
            + parsed.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList());
        continue;
      }
      ParsedResource r = parsed.resources().get(0);
      String version = r.resource().metadata().resourceVersion();
      long v;
      try {
        v = Long.parseLong(version);
      } catch (NumberFormatException | NullPointerException e) {
        problems.add(r.resource().key() + ": stored without a numeric resourceVersion");
        continue;
      }
      ResourceKey key = ControlPlane.keyOf(r);
      copies.merge(key, 1, Integer::sum);
      out.add(new StoredResource(key, v, doc, r));
    }
    copies.forEach((key, n) -> {
      if (n > 1) {
        problems.add(key + " is stored " + n + " times");
      }
    });
    if (!problems.isEmpty()) {
      throw new IOException("the stored state cannot be loaded: " + String.join("; ", problems));
    }
    return out;
  }
}
