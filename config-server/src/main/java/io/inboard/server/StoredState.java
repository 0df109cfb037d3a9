package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Everything a {@link ResourceStore} keeps: the revision and every resource document as stored
 * (with {@code metadata.namespace} and {@code metadata.resourceVersion} filled in).
 */
public record StoredState(long revision, List<ObjectNode> documents) {
  public static final StoredState EMPTY = new StoredState(0, List.of());

  public StoredState {
    documents = List.copyOf(documents);
  }
}
