package io.inboard.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Kubernetes secret mounted in a directory the way the kubelet writes it: the files live in a
 * timestamped directory, {@code ..data} links to it, and each key ({@code tls.crt}) links to
 * {@code ..data/tls.crt}. An update writes a new directory and renames a new {@code ..data} link
 * over the old one, one atomic step, then removes the old directory.
 */
final class MountedSecret {
  private final Path dir;
  private int version;

  private MountedSecret(Path dir) {
    this.dir = dir;
  }

  /** Mounts {@code files} (key name → content) as {@code parent/name}. */
  static MountedSecret mount(Path parent, String name, Map<String, String> files) throws IOException {
    MountedSecret secret = new MountedSecret(Files.createDirectories(parent.resolve(name)));
    secret.update(files);
    for (String key : files.keySet()) {
      Files.createSymbolicLink(secret.dir.resolve(key), Path.of("..data", key));
    }
    return secret;
  }

  /** Swaps in new contents for the same keys, as the kubelet does when the secret changes. */
  void update(Map<String, String> files) throws IOException {
    Path old = Files.isSymbolicLink(dir.resolve("..data")) ? dir.resolve(Files.readSymbolicLink(dir.resolve("..data")))
        : null;
    Path next = Files.createDirectory(dir.resolve("..2026_12_02_00_00_00." + (++version)));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(next.resolve(file.getKey()), file.getValue());
    }
    Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
    Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      try (Stream<Path> inside = Files.list(old)) {
        for (Path file : inside.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(old);
    }
  }

  /** The contents of a certificate and its key, as a {@code kubernetes.io/tls} secret holds them. */
  static Map<String, String> tls(TestCertificates.Issued issued) throws IOException {
    return tls(issued.certificate(), issued.key());
  }

  static Map<String, String> tls(Path certificate, Path key) throws IOException {
    return Map.of("tls.crt", Files.readString(certificate), "tls.key", Files.readString(key));
  }
}
