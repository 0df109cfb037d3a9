package io.inboard.core.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.diag.Diagnostic;
import io.inboard.core.validate.ResourceReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates Istio resources from YAML (one or more {@code ---} documents) or JSON (one
 * object, an array, or a {@code kind: List} with {@code items}). Never throws on bad input: every
 * problem, syntax included, comes back as a {@link Diagnostic}, all of them at once.
 *
 * <pre>{@code
 * ParseResult result = ResourceParser.parse(Files.readString(path), path.toString());
 * if (result.hasErrors()) { result.diagnostics().forEach(System.out::println); }
 * }</pre>
 */
public final class ResourceParser {
  /** The most resource documents one input may hold (the config server's limit too). */
  public static final int MAX_DOCUMENTS = 100;

  /** The largest input accepted, in characters. */
  public static final int MAX_CHARS = BoundedYaml.MAX_CHARS;

  private ResourceParser() {}

  public static ParseResult parse(String text) {
    return parse(text, "");
  }

  /**
   * @param sourceName names the input in diagnostics (e.g. a file name); may be empty
   */
  public static ParseResult parse(String text, String sourceName) {
    String source = sourceName == null ? "" : sourceName;
    if (text.length() > MAX_CHARS) {
      return failure(source, "input is " + text.length() + " characters, more than the "
          + MAX_CHARS + " allowed; split it into several inputs");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<DocumentReader.Document> documents;
    try {
      documents = DocumentReader.read(text);
    } catch (DocumentReader.SyntaxError e) {
      String where = e.line > 0 ? "line " + e.line + ", column " + e.column : "";
      return new ParseResult(List.of(),
          List.of(Diagnostic.error(source, where, e.getMessage())));
    }
    return validate(flatten(documents), source);
  }

  /**
   * Parses UTF-8 bytes, refusing invalid UTF-8 (rather than replacing bad bytes, which would
   * silently change names and values).
   */
  public static ParseResult parse(byte[] utf8, String sourceName) {
    String source = sourceName == null ? "" : sourceName;
    if (utf8.length > MAX_CHARS * 4L) {
      return failure(source, "input is " + utf8.length + " bytes, more than allowed; split it");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      return failure(source, "input is not valid UTF-8 (bad byte at offset " + in.position()
          + "); save the file as UTF-8");
    }
    decoder.flush(out);
    out.flip();
    return parse(out.toString(), source);
  }

  /**
   * Validates one document that is already a tree (e.g. a resource of a snapshot, read from JSON),
   * without writing it out and reading it again.
   */
  public static ParseResult parseTree(JsonNode root, String sourceName) {
    return validate(flatten(List.of(new DocumentReader.Document(root, 1))), sourceName == null ? "" : sourceName);
  }

  private static ParseResult failure(String source, String message) {
    return new ParseResult(List.of(), List.of(Diagnostic.error(source, "", message)));
  }

  /** One entry per resource: arrays and {@code kind: List} documents contribute their items. */
  private static List<DocumentReader.Document> flatten(List<DocumentReader.Document> documents) {
    List<DocumentReader.Document> out = new ArrayList<>();
    for (DocumentReader.Document d : documents) {
      JsonNode root = d.root();
      if (root.isArray()) {
        root.forEach(item -> out.add(new DocumentReader.Document(item, d.line())));
      } else if (root.isObject() && "List".equals(root.path("kind").asText(null))
          && root.path("items").isArray()) {
        root.get("items").forEach(item -> out.add(new DocumentReader.Document(item, d.line())));
      } else {
        out.add(d);
      }
    }
    return out;
  }

  private static ParseResult validate(List<DocumentReader.Document> documents, String source) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<ParsedResource> resources = new ArrayList<>();
    if (documents.size() > MAX_DOCUMENTS) {
      diagnostics.add(Diagnostic.error(source, "", "input has " + documents.size()
          + " documents, more than the " + MAX_DOCUMENTS + " allowed; split it into several "
          + "inputs"));
      return new ParseResult(List.of(), diagnostics);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode root = documents.get(i).root();
      ResourceReader.Outcome outcome = ResourceReader.read(root, source, i + 1);
      diagnostics.addAll(outcome.diagnostics());
      String key = identity(root);
      if (key != null) {
        Integer first = seen.putIfAbsent(key, i + 1);
        if (first != null) {
          diagnostics.add(Diagnostic.error(outcome.label(), "metadata.name",
              "duplicate: document " + first + " already defines this " + root.get("kind").asText()
                  + "; give each resource its own name (or namespace)"));
          continue;
        }
      }
      if (outcome.resource() != null) {
        resources.add(new ParsedResource(outcome.resource(), (ObjectNode) root, i));
      }
    }
    return new ParseResult(resources, diagnostics);
  }

  /** {@code kind/namespace/name} as written, or {@code null} when the document lacks them. */
  private static String identity(JsonNode root) {
    if (!root.isObject()) {
      return null;
    }
    JsonNode kind = root.get("kind");
    JsonNode name = root.path("metadata").get("name");
    JsonNode ns = root.path("metadata").get("namespace");
    if (kind == null || !kind.isTextual() || name == null || !name.isTextual()) {
      return null;
    }
    String namespace = ns != null && ns.isTextual() && !ns.textValue().isEmpty()
        ? ns.textValue() : "default";
    return kind.textValue() + "/" + namespace + "/" + name.textValue();
  }
}
