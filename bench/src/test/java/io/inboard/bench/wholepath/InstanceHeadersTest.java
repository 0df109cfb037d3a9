package io.inboard.bench.wholepath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class InstanceHeadersTest {

  @Test
  void replaysWhatTheInstanceReceivedButNotTheConnectionsOwnHeaders() throws Exception {
    String answer = """
        {"version":"v1","downstream":{"status":200,"answer":{"version":"v2","receivedHeaders":{
          "accept-encoding":"gzip","connection":"Keep-Alive","host":"user","user-agent":"okhttp/5.5.1",
          "x-request-id":"5f0c"}}}}
        """;

    assertThat(InstanceHeaders.fromFrontendAnswer(200, answer))
        .containsExactly(
            entry("accept-encoding", "gzip"),
            entry("user-agent", "okhttp/5.5.1"),
            entry("x-request-id", "5f0c"));
  }

  @Test
  void aFrontendAnswerWithoutItsDownstreamsHeadersIsAnError() {
    assertThatThrownBy(() -> InstanceHeaders.fromFrontendAnswer(502, "{\"downstream\":{\"error\":\"refused\"}}"))
        .hasMessageContaining("502").hasMessageContaining("receivedHeaders");
  }
}
