package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link ResourceStore}: the whole state in one file, {@code state.json}, replaced by
 * writing a temporary file, forcing it to disk, renaming it over the old one and forcing the
 * directory. A crash at any instant therefore leaves either the previous or the new state, never a
 * mixture, and a commit that returned is on disk. Revisions moved by instance leases go to the
 * small file {@code revision} the same way. A {@code lock} file keeps a second server off the
 * same directory.
 *
 * <p>Rewriting the whole state on every commit is deliberate: control-plane state is small
 * (hundreds of resources, a few hundred kilobytes) and writes are rare next to reads.
 */
public final class FileResourceStore implements ResourceStore {
  static final String STATE = "state.json";
  static final String REVISION = "revision";
  private static final String TMP_PREFIX = ".tmp-";

  /** Built on first use: a first start with an empty directory needs no JSON before listening. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  public FileResourceStore(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    Files.createDirectories(this.dir);
    this.lockChannel =
        FileChannel.open(this.dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      acquired = null;
    }
    if (acquired == null) {
      lockChannel.close();
      throw new IOException("data directory " + this.dir + " is in use by another config server;"
          + " stop it or choose another --data-dir");
    }
    this.lock = acquired;
    removeLeftoverTemporaryFiles();
  }

  public Path directory() {
    return dir;
  }

  @Override
  public StoredState load() throws IOException {
    long revision = 0;
    List<ObjectNode> documents = new ArrayList<>();
    Path state = dir.resolve(STATE);
    if (Files.exists(state)) {
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(Files.readAllBytes(state));
      } catch (IOException e) {
        throw new IOException("cannot read " + state + ": " + e.getMessage(), e);
      }
      if (root == null || !root.isObject() || !root.path("revision").canConvertToLong()
          || !root.path("resources").isArray()) {
        throw new IOException(state + " is not a config server state file");
      }
      revision = root.get("revision").asLong();
      for (JsonNode doc : root.get("resources")) {
        if (!doc.isObject()) {
          throw new IOException(state + " holds a resource that is not an object");
        }
        documents.add((ObjectNode) doc);
      }
    }
    Path rev = dir.resolve(REVISION);
    if (Files.exists(rev)) {
      String text = Files.readString(rev).trim();
      try {
        revision = Math.max(revision, Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw new IOException(rev + " does not hold a revision number: '" + text + "'");
      }
    }
    return new StoredState(revision, documents);
  }

  @Override
  public void commit(StoredState state) throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("revision", state.revision());
    ArrayNode resources = root.putArray("resources");
    state.documents().forEach(resources::add);
    replace(STATE, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }

  @Override
  public void recordRevision(long revision) throws IOException {
    replace(REVISION, (revision + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private void replace(String name, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(dir, TMP_PREFIX + name + "-", "");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically; use another --data-dir", e);
      }
      forceDirectory();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Makes the rename itself durable (POSIX: the directory entry lives in the directory). */
  private void forceDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is still atomic there.
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }

  /** A crash between creating and renaming a temporary file leaves it behind; it holds nothing acknowledged. */
  private void removeLeftoverTemporaryFiles() throws IOException {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, TMP_PREFIX + "*")) {
      for (Path p : leftovers) {
        try {
          Files.deleteIfExists(p);
        } catch (NoSuchFileException ignored) {
          // already gone
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
