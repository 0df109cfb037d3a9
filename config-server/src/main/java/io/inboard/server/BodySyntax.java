package io.inboard.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inboard.core.parse.BoundedYaml;
import java.io.IOException;
import java.util.List;

/**
 * A first, token-level pass over a request body: malformed YAML or JSON is answered with 400 and
 * the line and column, and more than 100 documents with 413, before the routing core parses and
 * validates the text (which expands YAML aliases within bounds and reports every violation).
 * Nothing is built here, so hostile input costs no more than reading it.
 */
final class BodySyntax {
  static final int MAX_DOCUMENTS = 100;

  private BodySyntax() {}

  /**
   * @return how many documents the body holds (elements, for a JSON array)
   * @throws ApiError 400 when malformed or empty, 413 when it holds too many documents
   */
  static int check(RequestBody.Text body) {
    boolean json = body.json() || looksLikeJson(body.text());
    int documents = 0;
    try (JsonParser p = (json ? BoundedYaml.json() : BoundedYaml.yaml()).getFactory().createParser(body.text())) {
      int depth = 0;
      boolean topLevelArray = false;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (depth == 0) {
          topLevelArray = json && t == JsonToken.START_ARRAY;
          if (!topLevelArray && !isEmptyDocument(t, p)) {
            documents++;
          }
        } else if (depth == 1 && topLevelArray && t != JsonToken.END_ARRAY) {
          documents++;
        }
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        if (documents > MAX_DOCUMENTS) {
          throw new ApiError(413, "too many documents: at most " + MAX_DOCUMENTS
              + " per request; split the apply into several smaller ones");
        }
      }
    } catch (JacksonException e) {
      throw malformed(json, e);
    } catch (IOException e) {
      throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      // SnakeYAML's own limits (nesting, code points) surface as unchecked exceptions.
      throw ApiError.badRequest("malformed " + (json ? "JSON" : "YAML") + ": " + firstLine(e.getMessage()));
    }
    if (documents == 0) {
      throw ApiError.badRequest("the request body holds no document; send one or more resources");
    }
    return documents;
  }

  /** A {@code ---} with nothing after it reads as an empty scalar; it is not a document. */
  private static boolean isEmptyDocument(JsonToken t, JsonParser p) throws IOException {
    return t == JsonToken.VALUE_NULL || (t == JsonToken.VALUE_STRING && p.getText().isEmpty());
  }

  private static boolean looksLikeJson(String text) {
    String s = text.stripLeading();
    return s.startsWith("{\"") || s.startsWith("[") && s.substring(1).stripLeading().startsWith("{\"");
  }

  private static ApiError malformed(boolean json, JacksonException e) {
    String where = e.getLocation() == null ? ""
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    String what = firstLine(e.getOriginalMessage());
    return new ApiError(400, "malformed " + (json ? "JSON" : "YAML") + (where.isEmpty() ? "" : " at " + where)
        + ": " + what, List.of(ApiError.Detail.of(where, what)));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * The body as one object (an instance registration, an explain request, a PUT resource), with
   * YAML aliases expanded within bounds.
   *
   * @throws ApiError 400 when malformed, empty, several documents or not a mapping
   */
  static com.fasterxml.jackson.databind.node.ObjectNode singleObject(RequestBody.Text body, String what) {
    int documents = check(body);
    if (documents != 1) {
      throw ApiError.badRequest(what + " is one document, got " + documents);
    }
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree = BoundedYaml.readTree(body.text());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("malformed " + what + ": " + e.getMessage());
    }
    if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
      throw ApiError.badRequest(what + " must be a mapping (a JSON object)");
    }
    return o;
  }
}
