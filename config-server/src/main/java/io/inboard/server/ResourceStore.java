package io.inboard.server;

import java.io.IOException;

/**
 * Durable home of the resources and the revision counter of one server ({@link LocalControlPlane}).
 * Each {@link #commit} replaces the whole state at once, so a multi-document apply is stored as a
 * unit; when {@code commit} returns, the state survives a crash. Instances are not stored: they are
 * leases that agents renew, kept in memory.
 *
 * <p>The store for several replicas, etcd, is not one of these: there leases and watches are
 * etcd's own, and the state is shared, so {@link EtcdControlPlane} takes the place of
 * {@link LocalControlPlane} as a whole.
 */
public interface ResourceStore extends AutoCloseable {
  /** The last committed state (or {@link StoredState#EMPTY}), with the highest recorded revision. */
  StoredState load() throws IOException;

  /** Durably replaces the stored state; on failure the previous state stays in force. */
  void commit(StoredState state) throws IOException;

  /**
   * Durably records that the revision moved without a resource change (an instance lease came or
   * went), so that the counter never goes backwards across a restart.
   */
  void recordRevision(long revision) throws IOException;

  @Override
  void close() throws IOException;
}
