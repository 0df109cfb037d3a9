package io.inboard.bench.controlplane;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes the gzip content coding (RFC 1952) of whole bodies with one reused {@link Inflater} and one
 * reused output buffer, checking the trailer's CRC and length as {@code GZIPInputStream} does. Many
 * watchers' snapshots are inflated on one thread without allocating per body. Not thread-safe: one
 * per thread.
 */
final class GzipDecoder implements AutoCloseable {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final Inflater inflater = new Inflater(true); // raw deflate: the gzip header is read here
  private final CRC32 crc = new CRC32();
  private byte[] out = new byte[64 * 1024];

  /**
   * Inflates {@code in[0, length)}, one gzip member.
   *
   * @return the decoded length; the bytes are in {@link #output()} until the next call
   * @throws IOException when the bytes are not a whole, intact gzip member (says what is wrong)
   */
  int decode(byte[] in, int length) throws IOException {
    int p = headerLength(in, length);
    inflater.reset();
    inflater.setInput(in, p, length - p);
    int n = 0;
    try {
      while (!inflater.finished()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        int k = inflater.inflate(out, n, out.length - n);
        n += k;
        if (k == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IOException("gzip body cut short: the deflate stream ends after " + n + " decoded bytes");
        }
      }
    } catch (DataFormatException e) {
      throw new IOException("gzip body is not valid deflate data: " + e.getMessage(), e);
    }
    int trailer = length - inflater.getRemaining();
    if (length - trailer < 8) {
      throw new IOException("gzip body without its 8-byte trailer (CRC-32 and length)");
    }
    crc.reset();
    crc.update(out, 0, n);
    if (le32(in, trailer) != (int) crc.getValue()) {
      throw new IOException("gzip body fails its CRC-32 check");
    }
    if (le32(in, trailer + 4) != n) {
      throw new IOException("gzip trailer says " + Integer.toUnsignedString(le32(in, trailer + 4))
          + " bytes, inflated " + n);
    }
    return n;
  }

  /** The last {@link #decode}'s output, in {@code output()[0, decodedLength)}. */
  byte[] output() {
    return out;
  }

  @Override
  public void close() {
    inflater.end();
  }

  /** Where the deflate data starts: after the fixed 10 bytes and the optional fields the flags name. */
  private static int headerLength(byte[] in, int length) throws IOException {
    if (length < 18) {
      throw new IOException("gzip body of " + length + " bytes is shorter than a gzip header and trailer");
    }
    if ((in[0] & 0xff) != 0x1f || (in[1] & 0xff) != 0x8b) {
      throw new IOException("gzip body does not start with the gzip magic 1f 8b");
    }
    if (in[2] != 8) {
      throw new IOException("gzip body uses compression method " + in[2] + ", not deflate (8)");
    }
    int flags = in[3] & 0xff;
    int p = 10;
    if ((flags & FEXTRA) != 0) {
      p += 2 + ((in[p] & 0xff) | (in[p + 1] & 0xff) << 8);
    }
    if ((flags & FNAME) != 0) {
      p = afterZero(in, p, length);
    }
    if ((flags & FCOMMENT) != 0) {
      p = afterZero(in, p, length);
    }
    if ((flags & FHCRC) != 0) {
      p += 2;
    }
    if (p + 8 > length) {
      throw new IOException("gzip header runs past the body's end");
    }
    return p;
  }

  private static int afterZero(byte[] in, int p, int length) throws IOException {
    while (p < length && in[p] != 0) {
      p++;
    }
    if (p == length) {
      throw new IOException("gzip header: unterminated file name or comment");
    }
    return p + 1;
  }

  private static int le32(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
  }
}
