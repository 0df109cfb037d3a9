package io.inboard.bridge;

import java.util.concurrent.Callable;

/** The {@link Callable} counterpart of {@link CarriedRunnable}. */
public final class CarriedCallable<V> implements Callable<V> {
  private final Callable<V> task;
  private final Object context;

  private CarriedCallable(Callable<V> task, Object context) {
    this.task = task;
    this.context = context;
  }

  /** Wraps {@code task} with the caller's current context; the task itself when there is none. */
  public static <V> Callable<V> wrap(Callable<V> task) {
    Object context = ContextSlot.get();
    if (context == null || task == null || task instanceof CarriedCallable) {
      return task;
    }
    return new CarriedCallable<>(task, context);
  }

  public Callable<V> task() {
    return task;
  }

  @Override
  public V call() throws Exception {
    Object previous = ContextSlot.get();
    ContextSlot.set(context);
    try {
      return task.call();
    } finally {
      ContextSlot.set(previous);
    }
  }

  @Override
  public String toString() {
    return task.toString();
  }
}
