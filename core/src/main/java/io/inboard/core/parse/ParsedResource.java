package io.inboard.core.parse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.model.Resource;

/**
 * A resource together with the document it came from (as a JSON tree, exactly as the user wrote
 * it), so that stores can keep and return the user's own text.
 *
 * @param documentIndex 0-based position of the document in the parsed input
 */
public record ParsedResource(Resource resource, ObjectNode source, int documentIndex) {}
