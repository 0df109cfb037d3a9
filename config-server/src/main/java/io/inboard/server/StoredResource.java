package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.parse.ParsedResource;

/**
 * A resource as the server keeps it: the user's document (with namespace and resourceVersion
 * filled in; never mutated after construction), its parsed form, and its version, which is the
 * revision at which it last changed.
 */
record StoredResource(ResourceKey key, long version, ObjectNode document, ParsedResource parsed) {}
