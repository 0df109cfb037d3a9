package io.inboard.core.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML (any number of {@code ---} documents) or JSON text into JSON trees.
 *
 * <p>Jackson's YAML parser reports an alias ({@code *name}) as the bare string {@code name}; read
 * naively, YAML that uses anchors would silently mean something else. This reader builds the tree
 * itself, replaces each alias with a copy of its anchored value (and applies {@code <<} merge
 * keys), and refuses input whose aliases expand beyond {@link #MAX_ALIAS_NODES} values: a
 * "billion laughs" document is an error, never an allocation.
 */
final class DocumentReader {
  /** Values an input may gain through aliases; ordinary anchors in configs use a handful. */
  static final int MAX_ALIAS_NODES = 10_000;

  /** Values an input may hold in all, aliases included. */
  static final int MAX_NODES = 500_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One document and the line it starts on (1-based). */
  record Document(JsonNode root, int line) {}

  /** Input that is not well-formed YAML/JSON, or exceeds a bound; with the place, when known. */
  static final class SyntaxError extends Exception {
    final int line;
    final int column;

    SyntaxError(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }
  }

  private final JsonParser parser;
  private final EventYamlParser yaml;
  private final Map<String, JsonNode> anchors = new HashMap<>();
  private final Map<String, Integer> anchorSizes = new HashMap<>();
  private int nodes;
  private int aliasNodes;

  private DocumentReader(JsonParser parser) {
    this.parser = parser;
    this.yaml = parser instanceof EventYamlParser y ? y : null;
  }

  static List<Document> read(String text) throws SyntaxError {
    if (looksLikeJson(text)) {
      return readWith(text, false);
    }
    return readWith(text, true);
  }

  /**
   * JSON is YAML too, but a JSON parser explains JSON mistakes better. Text is taken as JSON when
   * it opens with '{' or '[' and its first key or value is a double-quoted string.
   */
  private static boolean looksLikeJson(String text) {
    int i = 0;
    while (i < text.length() && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '{'
        || text.charAt(i) == '[')) {
      i++;
    }
    String start = text.stripLeading();
    return (start.startsWith("{") || start.startsWith("[")) && i < text.length()
        && text.charAt(i) == '"';
  }

  private static List<Document> readWith(String text, boolean asYaml) throws SyntaxError {
    try (JsonParser p = asYaml
        ? BoundedYaml.YAML_FACTORY.createParser(text)
        : BoundedYaml.JSON_FACTORY.createParser(text)) {
      DocumentReader reader = new DocumentReader(p);
      List<Document> documents = new ArrayList<>();
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        reader.anchors.clear(); // anchors are scoped to their document
        reader.anchorSizes.clear();
        JsonNode root = reader.value(token, 0);
        if (root.isNull() || (root.isTextual() && root.textValue().isEmpty())) {
          continue; // an empty document, e.g. a leading or doubled '---'
        }
        documents.add(new Document(root, line));
        if (!asYaml && p.nextToken() != null) {
          JsonLocation at = p.currentTokenLocation();
          throw new SyntaxError("unexpected content after the JSON value; wrap several resources"
              + " in a JSON array", at.getLineNr(), at.getColumnNr());
        }
        if (!asYaml) {
          break;
        }
      }
      return documents;
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      throw new SyntaxError(describe(e), at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
    } catch (IOException e) {
      throw new SyntaxError("could not read the input: " + e.getMessage(), 0, 0);
    }
  }

  private JsonNode value(JsonToken token, int depth) throws IOException, SyntaxError {
    if (depth > BoundedYaml.MAX_DEPTH) {
      throw error("nesting deeper than " + BoundedYaml.MAX_DEPTH + " levels");
    }
    count(1);
    String anchor = yaml == null ? null : yaml.nodeAnchor();
    int before = nodes;
    JsonNode node;
    switch (token) {
      case START_OBJECT -> node = object(depth);
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          array.add(value(t, depth + 1));
        }
        node = array;
      }
      case VALUE_STRING -> {
        if (yaml != null && yaml.isCurrentAlias()) {
          return alias(parser.getText());
        }
        node = yaml != null && yaml.isPlainEmpty() ? NODES.nullNode() : NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> node = switch (parser.getNumberType()) {
        case INT -> NODES.numberNode(parser.getIntValue());
        case LONG -> NODES.numberNode(parser.getLongValue());
        default -> NODES.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> node = NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> node = NODES.booleanNode(true);
      case VALUE_FALSE -> node = NODES.booleanNode(false);
      case VALUE_NULL -> node = NODES.nullNode();
      default -> throw error("unsupported value (" + token + "); write plain strings, numbers, "
          + "lists and mappings");
    }
    if (anchor != null) {
      anchors.put(anchor, node);
      anchorSizes.put(anchor, nodes - before + 1);
    }
    return node;
  }

  private ObjectNode object(int depth) throws IOException, SyntaxError {
    ObjectNode object = NODES.objectNode();
    List<JsonNode> merges = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
      String name = parser.currentName();
      JsonNode v = value(parser.nextToken(), depth + 1);
      if (yaml != null && name.equals("<<")) {
        merges.add(v); // YAML merge key: applied after the object's own keys, which win
      } else {
        object.set(name, v);
      }
    }
    for (JsonNode merge : merges) {
      List<JsonNode> sources = new ArrayList<>();
      if (merge.isArray()) {
        merge.forEach(sources::add);
      } else {
        sources.add(merge);
      }
      for (JsonNode source : sources) {
        if (!source.isObject()) {
          throw error("a '<<' merge key needs a mapping (or a list of mappings) to merge");
        }
        source.fields().forEachRemaining(e -> {
          if (!object.has(e.getKey())) {
            object.set(e.getKey(), e.getValue());
          }
        });
      }
    }
    return object;
  }

  private JsonNode alias(String name) throws SyntaxError {
    JsonNode target = anchors.get(name);
    if (target == null) {
      throw error("alias *" + name + " refers to no anchor &" + name + " defined before it");
    }
    int size = anchorSizes.get(name);
    aliasNodes += size;
    if (aliasNodes > MAX_ALIAS_NODES) {
      throw error("aliases expand to more than " + MAX_ALIAS_NODES + " values; this looks like an"
          + " alias bomb and is refused; write the values out instead of nesting aliases");
    }
    count(size);
    return target.deepCopy();
  }

  private void count(int n) throws SyntaxError {
    nodes += n;
    if (nodes > MAX_NODES) {
      throw error("the input holds more than " + MAX_NODES + " values; split it");
    }
  }

  private SyntaxError error(String message) {
    JsonLocation at = parser.currentTokenLocation();
    return new SyntaxError(message, at.getLineNr(), at.getColumnNr());
  }

  /** Jackson's message without its source excerpt, on one line. */
  private static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "malformed input";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.split("\n")) {
      String l = line.strip();
      // SnakeYAML quotes the offending line and points at it with '^'; the line/column says it.
      if (l.isEmpty() || l.startsWith("^") || line.startsWith("    ") || l.startsWith("in 'reader'")) {
        continue;
      }
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(l);
    }
    return out.length() == 0 ? message.strip() : out.toString();
  }
}
