package io.inboard.gateway;

import io.inboard.core.controlplane.StandaloneRulesFile;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Standalone mode: rules and instances from one local YAML file instead of a config server. The
 * file holds Istio documents ({@code VirtualService}, {@code DestinationRule}, {@code Gateway})
 * and documents with an {@code instances:} list of {@code {id, service, namespace, address, port,
 * labels}} (and no {@code kind}, or {@code kind: Instances}) — the same file as the agent's
 * standalone mode. It is re-read when it changes; a file that does not parse leaves the last good state
 * in force and says why.
 */
final class StandaloneConfig implements SnapshotSource {
  private static final System.Logger LOG = System.getLogger(StandaloneConfig.class.getName());

  private final Path file;
  private final long pollMillis;
  private ScheduledExecutorService poller;
  private FileTime lastModified;
  private long lastSize = -1;
  // A change is loaded only once the file has looked the same for two polls in a row: an editor
  // or a test that truncates and then writes must not get its half-written file applied.
  private FileTime pendingModified;
  private long pendingSize = -1;
  private long revision;

  StandaloneConfig(Path file, long pollMillis) {
    this.file = file;
    this.pollMillis = pollMillis;
  }

  /**
   * Reads the file once: the snapshot at {@code revision}.
   *
   * @throws IllegalArgumentException listing every problem, each with its document and path
   */
  static Snapshot read(Path file, long revision) throws IOException {
    return StandaloneRulesFile.read(file, revision).snapshot();
  }

  @Override
  public void start(Consumer<Snapshot> sink) {
    try {
      load(sink);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "inboard-gateway-config-file");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(() -> {
      try {
        if (changedAndSettled()) {
          load(sink);
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "keeping revision " + revision + ": " + e.getMessage());
      }
    }, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  private boolean changedAndSettled() throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    if (modified.equals(lastModified) && size == lastSize) {
      pendingModified = null;
      return false;
    }
    if (modified.equals(pendingModified) && size == pendingSize) {
      return true;
    }
    pendingModified = modified;
    pendingSize = size;
    return false;
  }

  private void load(Consumer<Snapshot> sink) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    // Remember what was read before parsing, so a bad file is reported once, not every poll.
    lastModified = modified;
    lastSize = size;
    Snapshot snapshot = read(file, revision + 1);
    revision++;
    sink.accept(snapshot);
  }

  @Override
  public String describe() {
    return "file " + file;
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
