package io.inboard.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Jackson readers for untrusted YAML and JSON, bounded so that hostile input is refused instead of
 * expanded: few aliases (a "billion laughs" document needs many), a size cap, a nesting cap, and
 * duplicate keys treated as errors (YAML would otherwise keep the last one silently).
 */
public final class BoundedYaml {
  /** The largest input accepted, in characters (about 3 MiB of text). */
  public static final int MAX_CHARS = 3 * 1024 * 1024;

  /** Deeper nesting than any Istio resource needs. */
  public static final int MAX_DEPTH = 64;

  /** Aliases in ordinary configs are rare; an expansion attack needs many. */
  public static final int MAX_ALIASES = 50;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxDocumentLength(MAX_CHARS)
          .maxStringLength(MAX_CHARS)
          .build();

  private static final ObjectMapper YAML = new ObjectMapper(yamlFactory());
  private static final ObjectMapper JSON = new ObjectMapper(jsonFactory());

  private BoundedYaml() {}

  /** A mapper for YAML (which also reads JSON, a subset of YAML), bounded as described above. */
  public static ObjectMapper yaml() {
    return YAML;
  }

  /** A mapper for JSON, with the same bounds; JSON errors read better from a JSON parser. */
  public static ObjectMapper json() {
    return JSON;
  }

  private static YAMLFactory yamlFactory() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_CHARS);
    options.setAllowDuplicateKeys(false);
    YAMLFactory factory =
        YAMLFactory.builder().loaderOptions(options).streamReadConstraints(CONSTRAINTS).build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return factory;
  }

  private static JsonFactory jsonFactory() {
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return factory;
  }
}
