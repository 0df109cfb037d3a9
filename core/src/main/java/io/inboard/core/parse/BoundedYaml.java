package io.inboard.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Jackson readers for untrusted YAML and JSON, bounded so that hostile input is refused: a size
 * cap, a nesting cap, and duplicate keys treated as errors (YAML would otherwise keep the last one
 * silently). Jackson's YAML parser does not expand aliases itself; {@link #readTree} and
 * {@link ResourceParser} do, within a budget, so a "billion laughs" document is an error.
 */
public final class BoundedYaml {
  /** The largest input accepted, in characters (about 3 MiB of text). */
  public static final int MAX_CHARS = 3 * 1024 * 1024;

  /** Deeper nesting than any Istio resource needs. */
  public static final int MAX_DEPTH = 64;

  /**
   * Passed to SnakeYAML for completeness: it only applies where SnakeYAML composes a node graph,
   * which Jackson does not; the bound that matters is the expansion budget of the tree reader.
   */
  public static final int MAX_ALIASES = 50;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxDocumentLength(MAX_CHARS)
          .maxStringLength(MAX_CHARS)
          .build();

  // Parsers come from the factories alone; the mappers are built on first use (not by the agent's
  // code paths), since an ObjectMapper loads hundreds of data-binding classes. See JsonTrees.
  static final YAMLFactory YAML_FACTORY = yamlFactory();
  static final JsonFactory JSON_FACTORY = jsonFactory();

  private static final class Mappers {
    static final ObjectMapper YAML = new ObjectMapper(YAML_FACTORY);
    static final ObjectMapper JSON = new ObjectMapper(JSON_FACTORY);
  }

  private BoundedYaml() {}

  /**
   * Reads the first document of YAML or JSON text into a tree, with anchors and aliases expanded
   * (within bounds) and empty values as null. For small files such as an instances list.
   *
   * @return the tree, or {@code null} for empty input
   * @throws IllegalArgumentException for malformed or oversized input, naming line and column
   */
  public static JsonNode readTree(String text) {
    List<JsonNode> documents = readAll(text);
    return documents.isEmpty() ? null : documents.get(0);
  }

  /**
   * Reads every document of YAML (or one JSON value) into trees, with anchors and aliases expanded
   * (within bounds), empty values as null, and empty documents left out.
   *
   * @throws IllegalArgumentException for malformed or oversized input, naming line and column
   */
  public static List<JsonNode> readAll(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("input is larger than " + MAX_CHARS + " characters");
    }
    try {
      List<JsonNode> roots = new ArrayList<>();
      for (DocumentReader.Document d : DocumentReader.read(text)) {
        roots.add(d.root());
      }
      return roots;
    } catch (DocumentReader.SyntaxError e) {
      throw new IllegalArgumentException(e.getMessage()
          + (e.line > 0 ? " (line " + e.line + ", column " + e.column + ")" : ""));
    }
  }

  /**
   * A mapper for YAML, bounded as described above. Note that Jackson's own tree reading does not
   * expand aliases; use {@link #readTree} or {@link ResourceParser} for user input.
   */
  public static ObjectMapper yaml() {
    return Mappers.YAML;
  }

  /** A mapper for JSON, with the same bounds; JSON errors read better from a JSON parser. */
  public static ObjectMapper json() {
    return Mappers.JSON;
  }

  private static YAMLFactory yamlFactory() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_CHARS);
    options.setAllowDuplicateKeys(false);
    YAMLFactory factory = new EventYamlParser.Factory(
        YAMLFactory.builder().loaderOptions(options).streamReadConstraints(CONSTRAINTS));
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return factory;
  }

  private static JsonFactory jsonFactory() {
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return factory;
  }
}
