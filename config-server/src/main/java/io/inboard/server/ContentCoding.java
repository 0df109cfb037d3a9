package io.inboard.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code gzip} content coding for snapshots: a snapshot is mostly repeated JSON keys and
 * labels, so it shrinks several times, which matters when hundreds of watchers fetch it at once.
 */
final class ContentCoding {
  private ContentCoding() {}

  /**
   * Whether an {@code Accept-Encoding} header value admits gzip: it lists {@code gzip} (or
   * {@code x-gzip}) without {@code q=0}. A missing header means identity only.
   */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String item : acceptEncoding.split(",")) {
      String[] parts = item.split(";");
      String coding = parts[0].trim();
      if (!coding.equalsIgnoreCase("gzip") && !coding.equalsIgnoreCase("x-gzip")) {
        continue;
      }
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (param.startsWith("q=") && isZero(param.substring(2))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean isZero(String q) {
    try {
      return Double.parseDouble(q) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot gzip in memory", e);
    }
    return out.toByteArray();
  }
}
