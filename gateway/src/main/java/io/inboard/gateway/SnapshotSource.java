package io.inboard.gateway;

import io.inboard.core.snapshot.Snapshot;
import java.util.function.Consumer;

/** Where the gateway's routing state comes from: the config server, or a local file. */
interface SnapshotSource extends AutoCloseable {
  /**
   * Starts delivering snapshots to {@code sink}, each newer than the last; returns without waiting
   * for the first one.
   */
  void start(Consumer<Snapshot> sink);

  /** For logs and {@code /config}: e.g. {@code config server http://127.0.0.1:15010}. */
  String describe();

  /** Stops delivering; the last snapshot stays in force. */
  @Override
  void close();
}
