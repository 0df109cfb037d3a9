package io.inboard.agent.runtime;

import io.inboard.core.controlplane.SnapshotWire;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes snapshots to the {@link SnapshotCache} on a thread of its own, latest first: the fsync can
 * take hundreds of milliseconds on a busy disk, and the control-plane thread must be back in its
 * watch at once to pick up the next change. Snapshots that arrive while a write is in progress are
 * coalesced: only the newest is written.
 */
final class CacheWriter implements Runnable {
  private final SnapshotCache cache;
  private final AgentRuntime runtime;
  private final AtomicReference<SnapshotWire.Content> pending = new AtomicReference<>();
  private final Semaphore signal = new Semaphore(0);
  private volatile Thread thread;

  CacheWriter(SnapshotCache cache, AgentRuntime runtime) {
    this.cache = cache;
    this.runtime = runtime;
  }

  void submit(SnapshotWire.Content content) {
    pending.set(content);
    if (thread == null) {
      synchronized (this) {
        if (thread == null) {
          Thread t = new InboardThread(this, "inboard-snapshot-cache");
          t.start();
          thread = t;
        }
      }
    }
    signal.release();
  }

  void stop() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        signal.acquire();
        signal.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      SnapshotWire.Content content = pending.getAndSet(null);
      if (content == null) {
        continue;
      }
      try {
        cache.write(content.toJson());
      } catch (Exception e) {
        runtime.recordFailure("snapshot.cache-write", e);
      }
    }
  }
}
