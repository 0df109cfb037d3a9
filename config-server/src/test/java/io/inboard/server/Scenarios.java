package io.inboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The walk-through's resource files, copied into this module's test resources. */
final class Scenarios {
  static final List<String> FILES = List.of("00-gateway.yaml", "10-canary.yaml", "20-consistent-hash.yaml",
      "30-sticky-canary.yaml", "40-dark-release.yaml");

  private Scenarios() {}

  static String text(String file) {
    try (InputStream in = Scenarios.class.getResourceAsStream("/scenarios/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource scenarios/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the file out of the class path, for commands that take file names. */
  static Path file(Path dir, String file) throws IOException {
    Path p = dir.resolve(file);
    Files.writeString(p, text(file));
    return p;
  }
}
