package io.inboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.inboard.core.controlplane.ConfigServerException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What the online commands share: running against the server and turning its refusals into the
 * exit codes of {@code inboardctl} (1 refused, 2 bad usage or server unreachable).
 */
final class Online {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build());

  /** Exit code when the server refused the request. */
  static final int EXIT_REFUSED = 1;

  private Online() {}

  interface Call {
    int run() throws IOException;
  }

  static int run(Call call) {
    PrintStream err = System.err;
    try {
      return call.run();
    } catch (ConfigServerException e) {
      err.println("error: " + e.error());
      e.details().forEach(d -> err.println("  " + d));
      return EXIT_REFUSED;
    } catch (IOException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return Inboardctl.EXIT_USAGE;
    }
  }

  static String yaml(JsonNode node) throws IOException {
    return YAML.writeValueAsString(node);
  }

  static String json(JsonNode node) throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

}
