package io.inboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task wrappers carry the submitter's context and leave the worker as they found it. */
class CarriedRunnableTest {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    ContextSlot.set(null);
    worker.shutdownNow();
  }

  @Test
  void taskRunsWithTheSubmittersContextAndTheWorkerKeepsNone() throws Exception {
    AtomicReference<Object> seen = new AtomicReference<>();
    ContextSlot.set("request-1");
    Runnable task = CarriedRunnable.wrap(() -> seen.set(ContextSlot.get()));
    ContextSlot.set(null);

    worker.submit(task).get(10, TimeUnit.SECONDS);
    Object after = worker.submit((Callable<Object>) ContextSlot::get).get(10, TimeUnit.SECONDS);

    assertThat(seen.get()).isEqualTo("request-1");
    assertThat(after).isNull();
  }

  @Test
  void workersOwnContextIsPutBackEvenWhenTheTaskThrows() {
    ContextSlot.set("request-1");
    Runnable task = CarriedRunnable.wrap(() -> {
      throw new IllegalStateException("task failed");
    });
    ContextSlot.set("worker's own");

    try {
      task.run();
    } catch (IllegalStateException expected) {
      // the application's exception passes through unchanged
    }

    assertThat(ContextSlot.get()).isEqualTo("worker's own");
  }

  @Test
  void outsideARequestTasksAreNotWrapped() {
    Runnable task = () -> {};
    Callable<String> call = () -> "x";

    assertThat(CarriedRunnable.wrap(task)).isSameAs(task);
    assertThat(CarriedCallable.wrap(call)).isSameAs(call);
  }

  @Test
  void wrappingTwiceWrapsOnce() {
    ContextSlot.set("request-1");
    Runnable once = CarriedRunnable.wrap(() -> {});

    assertThat(CarriedRunnable.wrap(once)).isSameAs(once);
  }

  @Test
  void callableReturnsItsValueUnderTheSubmittersContext() throws Exception {
    ContextSlot.set("request-2");
    Callable<Object> call = CarriedCallable.wrap(ContextSlot::get);
    ContextSlot.set(null);

    assertThat(worker.submit(call).get(10, TimeUnit.SECONDS)).isEqualTo("request-2");
  }
}
