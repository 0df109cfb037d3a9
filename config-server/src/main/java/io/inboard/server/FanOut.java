package io.inboard.server;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs one action for each of many items, split over the caller and a few helper threads, and
 * returns when all are done. Answering a woken watch is a non-blocking write of a shared buffer
 * (tens of microseconds of CPU, most of it in Jetty and the kernel), so hundreds of them are worth
 * spreading over the cores; small batches stay on the caller, where a hand-off would cost more
 * than it saves.
 */
final class FanOut implements AutoCloseable {
  /** Below this many items per thread, splitting costs more than it saves. */
  static final int MIN_SLICE = 32;

  private final int threads;
  private final ExecutorService helpers;

  /** @param threads how many threads run a large batch, the caller included (at least 1) */
  FanOut(int threads, String name) {
    this.threads = Math.max(1, threads);
    this.helpers = this.threads == 1 ? null
        : Executors.newFixedThreadPool(this.threads - 1, WatchHub.daemon(name));
  }

  /** One thread per core, at most four: beyond that the kernel's socket writes do not scale here. */
  static FanOut perCore(String name) {
    return new FanOut(Math.min(4, Runtime.getRuntime().availableProcessors()), name);
  }

  <T> void forEach(List<T> items, Consumer<T> action) {
    int slices = Math.min(threads, items.size() / MIN_SLICE);
    if (slices <= 1) {
      items.forEach(action);
      return;
    }
    int size = items.size();
    CountDownLatch helpersDone = new CountDownLatch(slices - 1);
    for (int s = 1; s < slices; s++) {
      List<T> slice = items.subList(s * size / slices, (s + 1) * size / slices);
      Runnable task = () -> {
        try {
          slice.forEach(action);
        } finally {
          helpersDone.countDown();
        }
      };
      try {
        helpers.execute(task);
      } catch (RejectedExecutionException closing) {
        task.run();
      }
    }
    items.subList(0, size / slices).forEach(action);
    try {
      helpersDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdown(); // lets a running slice finish its writes
    }
  }
}
