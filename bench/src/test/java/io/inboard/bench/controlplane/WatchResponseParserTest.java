package io.inboard.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class WatchResponseParserTest {
  private static final String SNAPSHOT = "{\"revision\":17,\"resources\":[{\"spec\":{\"http\":[{\"route\":["
      + "{\"weight\":9000},{\"weight\":1042}]}]}}],\"instances\":[" + "{\"port\":20001,\"labels\":{\"version\":\"v1\"}},".repeat(40)
      + "{\"port\":20002}]}";

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** Feeds {@code wire} in pieces of at most {@code piece} bytes; true when the response completed at its very end. */
  private static boolean feedInPieces(WatchResponseParser parser, byte[] wire, int piece) throws IOException {
    for (int i = 0; i < wire.length; i += piece) {
      ByteBuffer b = ByteBuffer.wrap(wire, i, Math.min(piece, wire.length - i));
      boolean done = parser.feed(b);
      if (done) {
        assertThat(i + piece).as("completed only with the last piece").isGreaterThanOrEqualTo(wire.length);
        assertThat(b.hasRemaining()).isFalse();
        return true;
      }
    }
    return false;
  }

  private static String body(WatchResponseParser p) {
    return new String(p.body(), 0, p.bodyLength(), StandardCharsets.UTF_8);
  }

  @Test
  void readsAContentLengthAnswerSplitAtEveryPosition() throws IOException {
    byte[] body = ascii(SNAPSHOT);
    byte[] wire = concat(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\nCache-Control: no-store\r\n\r\n"), body);
    for (int split = 1; split < wire.length; split++) {
      WatchResponseParser p = new WatchResponseParser();
      assertThat(p.feed(ByteBuffer.wrap(wire, 0, split))).as("split at %d", split).isFalse();
      assertThat(p.feed(ByteBuffer.wrap(wire, split, wire.length - split))).as("split at %d", split).isTrue();
      assertThat(p.status()).isEqualTo(200);
      assertThat(p.gzip()).isFalse();
      assertThat(p.closing()).isFalse();
      assertThat(body(p)).isEqualTo(SNAPSHOT);
      assertThat(p.wireBytes()).isEqualTo(wire.length);
    }
  }

  @Test
  void readsAGzipAnswerByteByByteAndItsSnapshotDecodes() throws IOException {
    byte[] zipped = gzip(ascii(SNAPSHOT));
    byte[] wire = concat(ascii("HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\nVary: Accept-Encoding\r\n"
        + "content-length: " + zipped.length + "\r\n\r\n"), zipped);
    WatchResponseParser p = new WatchResponseParser();
    assertThat(feedInPieces(p, wire, 1)).isTrue();
    assertThat(p.gzip()).isTrue();
    assertThat(Arrays.copyOf(p.body(), p.bodyLength())).isEqualTo(zipped);
    try (GzipDecoder decoder = new GzipDecoder()) {
      int n = decoder.decode(p.body(), p.bodyLength());
      assertThat(new String(decoder.output(), 0, n, StandardCharsets.UTF_8)).isEqualTo(SNAPSHOT);
      assertThat(SimulatedAgents.revision(decoder.output(), n)).isEqualTo(17);
      assertThat(SimulatedAgents.marker(decoder.output(), n)).isEqualTo(42);
    }
  }

  @Test
  void readsAChunkedGzipAnswerWithExtensionsAndTrailers() throws IOException {
    byte[] zipped = gzip(ascii(SNAPSHOT));
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"));
    int third = zipped.length / 3;
    wire.writeBytes(ascii(Integer.toHexString(third) + "\r\n"));
    wire.write(zipped, 0, third);
    wire.writeBytes(ascii("\r\n" + Integer.toHexString(zipped.length - third).toUpperCase() + ";name=value\r\n"));
    wire.write(zipped, third, zipped.length - third);
    wire.writeBytes(ascii("\r\n0\r\nX-Checksum: 1\r\n\r\n"));
    byte[] bytes = wire.toByteArray();
    for (int piece : new int[] {1, 2, 7, 64, bytes.length}) {
      WatchResponseParser p = new WatchResponseParser();
      assertThat(feedInPieces(p, bytes, piece)).as("pieces of %d", piece).isTrue();
      assertThat(Arrays.copyOf(p.body(), p.bodyLength())).isEqualTo(zipped);
      assertThat(p.wireBytes()).isEqualTo(bytes.length);
    }
  }

  @Test
  void readsANotModifiedAndThenTheNextAnswerOnTheSameConnection() throws IOException {
    byte[] first = ascii("HTTP/1.1 304 Not Modified\r\nCache-Control: no-store\r\n\r\n");
    byte[] second = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    WatchResponseParser p = new WatchResponseParser();
    assertThat(p.idle()).isTrue();
    assertThat(p.feed(ByteBuffer.wrap(first))).isTrue();
    assertThat(p.status()).isEqualTo(304);
    assertThat(p.bodyLength()).isZero();
    assertThat(p.closing()).isFalse();
    p.reset();
    assertThat(p.idle()).isTrue();
    assertThat(p.feed(ByteBuffer.wrap(second))).isTrue();
    assertThat(p.status()).isEqualTo(200);
    assertThat(body(p)).isEqualTo("{}");
    assertThat(p.closing()).isTrue();
  }

  @Test
  void leavesBytesAfterTheAnswerUnread() throws IOException {
    byte[] wire = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 304");
    WatchResponseParser p = new WatchResponseParser();
    ByteBuffer in = ByteBuffer.wrap(wire);
    assertThat(p.feed(in)).isTrue();
    assertThat(in.remaining()).isEqualTo("HTTP/1.1 304".length());
  }

  @Test
  void skipsAnInterimAnswer() throws IOException {
    WatchResponseParser p = new WatchResponseParser();
    assertThat(p.feed(ByteBuffer.wrap(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"))))
        .isTrue();
    assertThat(p.status()).isEqualTo(200);
    assertThat(body(p)).isEqualTo("x");
  }

  @Test
  void aBodyWithoutLengthEndsWithTheConnection() throws IOException {
    WatchResponseParser p = new WatchResponseParser();
    assertThat(p.feed(ByteBuffer.wrap(ascii("HTTP/1.0 500 Server Error\r\n\r\nbroken")))).isFalse();
    assertThat(p.closing()).isTrue();
    assertThat(p.endOfStream()).isTrue();
    assertThat(p.status()).isEqualTo(500);
    assertThat(body(p)).isEqualTo("broken");
  }

  @Test
  void aConnectionClosedEarlyIsAnError() throws IOException {
    WatchResponseParser p = new WatchResponseParser();
    assertThatThrownBy(p::endOfStream).hasMessageContaining("before answering");
    p.feed(ByteBuffer.wrap(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")));
    assertThatThrownBy(p::endOfStream).hasMessageContaining("in the middle of a response");
  }

  @Test
  void garbageIsRejectedWithWhatWasWrong() {
    assertThatThrownBy(() -> new WatchResponseParser().feed(ByteBuffer.wrap(ascii("SSH-2.0-OpenSSH\r\n\r\n"))))
        .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP/1.x status line: 'SSH-2.0-OpenSSH'");
    assertThatThrownBy(() -> new WatchResponseParser().feed(ByteBuffer.wrap(
        ascii("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n"))))
        .hasMessageContaining("Content-Length is not a number: 'ten'");
    assertThatThrownBy(() -> new WatchResponseParser().feed(ByteBuffer.wrap(
        ascii("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx"))))
        .hasMessageContaining("Content-Encoding br");
    assertThatThrownBy(() -> new WatchResponseParser().feed(ByteBuffer.wrap(
        ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))))
        .hasMessageContaining("bad chunk size 'zz'");
  }
}
