package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.parse.ParsedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an apply or a delete changes, decided against one view of the stored resources: which
 * resources are created, configured or unchanged, or the 409 that refuses all of them. The same
 * decision for every control plane; where the change is then stored is theirs.
 *
 * @param changed the resources to store, each at {@code nextRevision}; empty when nothing changes
 */
record ApplyPlan(List<ControlPlane.Outcome> outcomes, List<StoredResource> changed) {
  /**
   * @param nextRevision the revision the change is stored at
   * @throws ApiError 409 when a {@code metadata.resourceVersion} is stale
   */
  static ApplyPlan of(Map<ResourceKey, StoredResource> resources, List<ParsedResource> docs, long nextRevision) {
    List<ApiError.Detail> conflicts = new ArrayList<>();
    List<ControlPlane.Outcome> outcomes = new ArrayList<>();
    List<StoredResource> changed = new ArrayList<>();
    for (ParsedResource doc : docs) {
      ResourceKey key = ControlPlane.keyOf(doc);
      StoredResource existing = resources.get(key);
      String expected = doc.resource().metadata().resourceVersion();
      if (expected != null && !expected.isEmpty()) {
        if (existing == null) {
          conflicts.add(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
              "the resource does not exist (deleted meanwhile?); remove resourceVersion to create it"));
          continue;
        }
        if (!expected.equals(Long.toString(existing.version()))) {
          conflicts.add(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
              "stale: you sent " + expected + " but the stored version is " + existing.version()
                  + "; read the resource again and reapply your change"));
          continue;
        }
      }
      ObjectNode content = StoredDocuments.content(doc.source(), key);
      if (existing != null && content.equals(StoredDocuments.content(existing.document(), key))) {
        outcomes.add(new ControlPlane.Outcome(key, ControlPlane.Action.UNCHANGED, existing.version()));
        continue;
      }
      ObjectNode document = StoredDocuments.withVersion(content, nextRevision);
      changed.add(new StoredResource(key, nextRevision, document, doc));
      outcomes.add(new ControlPlane.Outcome(key,
          existing == null ? ControlPlane.Action.CREATED : ControlPlane.Action.CONFIGURED, nextRevision));
    }
    if (!conflicts.isEmpty()) {
      throw ApiError.conflict("resourceVersion conflict: nothing was applied", conflicts);
    }
    return new ApplyPlan(List.copyOf(outcomes), List.copyOf(changed));
  }

  /**
   * The resource a delete removes.
   *
   * @throws ApiError 404 when it does not exist, 409 when {@code expectedVersion} is stale
   */
  static StoredResource deletion(Map<ResourceKey, StoredResource> resources, ResourceKey key, String expectedVersion) {
    StoredResource existing = resources.get(key);
    if (existing == null) {
      throw ApiError.notFound(key + " not found");
    }
    if (expectedVersion != null && !expectedVersion.equals(Long.toString(existing.version()))) {
      throw ApiError.conflict("resourceVersion conflict: nothing was deleted",
          List.of(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
              "stale: you sent " + expectedVersion + " but the stored version is " + existing.version())));
    }
    return existing;
  }

  void log(System.Logger log, Caller caller, long revision) {
    for (ControlPlane.Outcome o : outcomes) {
      if (o.action() != ControlPlane.Action.UNCHANGED) {
        log.log(System.Logger.Level.INFO, "{0} {1} {2} revision={3}", caller.kind(), o.action().word(), o.key(),
            revision);
      }
    }
  }
}
