package io.inboard.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON trees read and written without a data-binding mapper must match what the mapper does. */
class JsonTreesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SAMPLE = "{\"revision\":9007199254740993,\"big\":123456789012345678901234567890,"
      + "\"weight\":90,\"ratio\":0.25,\"on\":true,\"off\":false,\"none\":null,"
      + "\"text\":\"caf\\u00e9 \\\"quoted\\\" \\n line\",\"list\":[1,[2,{}],[],{\"a\":{\"b\":\"c\"}}]}";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheSameTreeAsTheMapper() throws IOException {
    JsonNode ours = JsonTrees.read(utf8(SAMPLE));
    assertThat(ours).isEqualTo(MAPPER.readTree(SAMPLE));
    assertThat(ours.get("revision").isLong()).isTrue();
    assertThat(ours.get("big").isBigInteger()).isTrue();
    assertThat(ours.get("weight").isInt()).isTrue();
  }

  @Test
  void writesWhatTheMapperWrites() throws IOException {
    JsonNode tree = MAPPER.readTree(SAMPLE);
    assertThat(new String(JsonTrees.bytes(tree), StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(tree));
    assertThat(JsonTrees.string(tree, false)).isEqualTo(MAPPER.writeValueAsString(tree));
    assertThat(JsonTrees.string(tree, true))
        .isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
  }

  @Test
  void emptyInputIsNoTree() throws IOException {
    assertThat(JsonTrees.read(new byte[0])).isNull();
    assertThat(JsonTrees.read(utf8("  \n"))).isNull();
  }

  @Test
  void malformedOrTrailingInputIsRefused() {
    assertThatThrownBy(() -> JsonTrees.read(utf8("{\"a\":1} {\"b\":2}")))
        .isInstanceOf(IOException.class).hasMessageContaining("after the JSON value");
    assertThatThrownBy(() -> JsonTrees.read(utf8("{\"a\":")))
        .isInstanceOf(IOException.class);
  }
}
