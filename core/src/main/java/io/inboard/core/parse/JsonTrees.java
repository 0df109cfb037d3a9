package io.inboard.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text to and from Jackson trees with Jackson's streaming parser and generator alone.
 *
 * <p>Why not {@code ObjectMapper}: the agent reads and writes JSON trees (snapshots, its cache,
 * registration bodies) and nothing else, and an {@code ObjectMapper}'s first use loads some 350
 * classes of data binding (serializer and deserializer factories, type introspection) into every
 * application the agent runs in — about 4 MB of metaspace and a good part of the agent's start-up
 * garbage. The same goes for {@link JsonNode#toString()}, which builds a mapper internally; code the
 * agent runs should call {@link #string} instead.
 */
public final class JsonTrees {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /** An empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * Reads one JSON value (UTF-8).
   *
   * @return the tree, or {@code null} when the input is empty
   * @throws IOException when the input is not one well-formed JSON value
   */
  public static JsonNode read(byte[] json) throws IOException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      JsonNode root = value(parser, first);
      if (parser.nextToken() != null) {
        throw new IOException("unexpected content after the JSON value at line "
            + parser.currentTokenLocation().getLineNr());
      }
      return root;
    }
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.set(name, value(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          array.add(value(parser, t));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue()); // as ObjectMapper.readTree does
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IOException("unexpected JSON token " + token + " at line "
            + parser.currentTokenLocation().getLineNr());
    }
  }

  /** The tree as compact UTF-8 JSON. */
  public static byte[] bytes(JsonNode tree) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JSON tree", e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  /** The tree as JSON text, indented for people when {@code pretty}. */
  public static String string(JsonNode tree, boolean pretty) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      if (pretty) {
        generator.useDefaultPrettyPrinter();
      }
      write(generator, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JSON tree", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT:
        out.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          out.writeFieldName(field.getKey());
          write(out, field.getValue());
        }
        out.writeEndObject();
        break;
      case ARRAY:
        out.writeStartArray();
        for (JsonNode item : node) {
          write(out, item);
        }
        out.writeEndArray();
        break;
      case STRING:
        out.writeString(node.textValue());
        break;
      case NUMBER:
        writeNumber(out, node);
        break;
      case BOOLEAN:
        out.writeBoolean(node.booleanValue());
        break;
      case NULL:
      case MISSING:
        out.writeNull();
        break;
      default: // BINARY, POJO: never built by this project's readers
        out.writeString(node.asText());
    }
  }

  private static void writeNumber(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.numberType()) {
      case INT:
        out.writeNumber(node.intValue());
        break;
      case LONG:
        out.writeNumber(node.longValue());
        break;
      case BIG_INTEGER:
        out.writeNumber(node.bigIntegerValue());
        break;
      case FLOAT:
        out.writeNumber(node.floatValue());
        break;
      case BIG_DECIMAL:
        out.writeNumber(node.decimalValue());
        break;
      default:
        out.writeNumber(node.doubleValue());
    }
  }
}
