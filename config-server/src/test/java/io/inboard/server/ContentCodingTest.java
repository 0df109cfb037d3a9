package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ContentCodingTest {
  @Test
  void acceptsGzipOnlyWhenListedWithoutQualityZero() {
    assertThat(ContentCoding.acceptsGzip("gzip")).isTrue();
    assertThat(ContentCoding.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
    assertThat(ContentCoding.acceptsGzip("x-gzip")).isTrue();
    assertThat(ContentCoding.acceptsGzip(null)).isFalse();
    assertThat(ContentCoding.acceptsGzip("")).isFalse();
    assertThat(ContentCoding.acceptsGzip("br, deflate")).isFalse();
    assertThat(ContentCoding.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(ContentCoding.acceptsGzip("gzip; q=0.000")).isFalse();
    assertThat(ContentCoding.acceptsGzip("gzipx")).isFalse();
  }

  @Test
  void gzipRoundTrips() throws Exception {
    byte[] json = "{\"revision\":7,\"instances\":[{\"labels\":{\"version\":\"v1\"}}]}".repeat(50)
        .getBytes(StandardCharsets.UTF_8);
    byte[] gz = ContentCoding.gzip(json);
    assertThat(gz.length).isLessThan(json.length / 4);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(json);
    }
  }
}
