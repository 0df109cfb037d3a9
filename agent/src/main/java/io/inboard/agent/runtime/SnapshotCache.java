package io.inboard.agent.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The last good snapshot on disk, in its wire form, so an agent started while the config server is
 * away routes as it did before. Written atomically (temp file, fsync, rename): a crash at any
 * instant leaves either the previous file or the new one, never half of one.
 */
final class SnapshotCache {
  static final String FILE = "snapshot.json";

  private final Path dir;

  SnapshotCache(Path dir) {
    this.dir = dir;
  }

  Path file() {
    return dir.resolve(FILE);
  }

  void write(byte[] wire) throws IOException {
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "snapshot-", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(wire);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file(), StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The cached wire bytes, or {@code null} when there is no cache. */
  byte[] read() throws IOException {
    Path file = file();
    return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
  }

  /** Makes the rename itself durable; not possible on every platform, where it is skipped. */
  private void fsyncDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory; the rename is still atomic there.
    }
  }
}
