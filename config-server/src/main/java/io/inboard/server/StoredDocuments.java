package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a user's document becomes the stored one: the namespace is written out, the
 * {@code resourceVersion} is the server's. Comparing {@link #content} tells whether a write
 * changes anything.
 */
final class StoredDocuments {
  private StoredDocuments() {}

  /** A copy of the document without {@code resourceVersion}, with the key's namespace and name. */
  static ObjectNode content(ObjectNode source, ResourceKey key) {
    ObjectNode copy = source.deepCopy();
    ObjectNode metadata = copy.withObjectProperty("metadata");
    metadata.remove("resourceVersion");
    metadata.put("name", key.name());
    metadata.put("namespace", key.namespace());
    return copy;
  }

  static ObjectNode withVersion(ObjectNode content, long version) {
    ObjectNode copy = content.deepCopy();
    copy.withObjectProperty("metadata").put("resourceVersion", Long.toString(version));
    return copy;
  }
}
