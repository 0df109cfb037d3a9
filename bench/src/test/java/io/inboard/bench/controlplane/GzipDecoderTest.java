package io.inboard.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class GzipDecoderTest {
  @Test
  void decodesOneBodyAfterAnotherLargerThanItsBuffer() throws IOException {
    byte[] small = "{\"revision\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] large = new byte[300_000]; // several times the initial output buffer, and not all alike
    new Random(7).nextBytes(large);
    Arrays.fill(large, 0, 200_000, (byte) 'a');
    try (GzipDecoder decoder = new GzipDecoder()) {
      for (byte[] data : new byte[][] {small, large, small}) {
        byte[] zipped = WatchResponseParserTest.gzip(data);
        int n = decoder.decode(zipped, zipped.length);
        assertThat(Arrays.copyOf(decoder.output(), n)).isEqualTo(data);
      }
    }
  }

  @Test
  void skipsTheOptionalHeaderFields() throws IOException {
    byte[] data = "{\"weight\":1003}".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // magic, deflate, flags FEXTRA|FNAME|FCOMMENT|FHCRC, mtime, xfl, os
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    out.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
    out.writeBytes("snapshot.json\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0x12, 0x34});
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buf = new byte[256];
    out.write(buf, 0, deflater.deflate(buf));
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    writeLe32(out, (int) crc.getValue());
    writeLe32(out, data.length);
    byte[] zipped = out.toByteArray();
    try (GzipDecoder decoder = new GzipDecoder()) {
      int n = decoder.decode(zipped, zipped.length);
      assertThat(SimulatedAgents.marker(decoder.output(), n)).isEqualTo(3);
      assertThat(n).isEqualTo(data.length);
    }
  }

  @Test
  void rejectsDamagedBodies() throws IOException {
    byte[] zipped = WatchResponseParserTest.gzip("{\"revision\":5,\"resources\":[]}".getBytes(StandardCharsets.UTF_8));
    try (GzipDecoder decoder = new GzipDecoder()) {
      byte[] badCrc = zipped.clone();
      badCrc[zipped.length - 8] ^= 1;
      assertThatThrownBy(() -> decoder.decode(badCrc, badCrc.length)).hasMessageContaining("CRC-32");
      assertThatThrownBy(() -> decoder.decode(zipped, zipped.length - 12)).isInstanceOf(IOException.class);
      byte[] notGzip = "{\"revision\":5,\"resources\":[]}".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> decoder.decode(notGzip, notGzip.length)).hasMessageContaining("magic");
      // still usable after failures
      int n = decoder.decode(zipped, zipped.length);
      assertThat(SimulatedAgents.revision(decoder.output(), n)).isEqualTo(5);
    }
  }

  private static void writeLe32(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
