package io.inboard.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ResourceParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The walk-through's resource files are valid Istio, so Inboard must accept them unchanged. */
class ScenarioFilesTest {

  @ParameterizedTest
  @ValueSource(strings = {"00-gateway.yaml", "10-canary.yaml", "20-consistent-hash.yaml",
      "30-sticky-canary.yaml", "40-dark-release.yaml"})
  void scenarioFileHasNoDiagnostics(String file) throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/scenarios/" + file)) {
      assertThat(in).as("test resource /scenarios/" + file).isNotNull();
      bytes = in.readAllBytes();
    }
    ParseResult result = ResourceParser.parse(bytes, file);
    assertThat(result.diagnostics()).extracting(Diagnostic::toString).isEmpty();
    int documents = new String(bytes, StandardCharsets.UTF_8).split("(?m)^---$").length;
    assertThat(result.resources()).hasSize(documents);
  }
}
