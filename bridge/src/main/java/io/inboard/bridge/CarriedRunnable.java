package io.inboard.bridge;

/**
 * A task that runs with the propagation context of the thread that submitted it, then puts back
 * whatever the worker had before (normally nothing), so a pooled thread never keeps a stale
 * context.
 */
public final class CarriedRunnable implements Runnable {
  private final Runnable task;
  private final Object context;

  private CarriedRunnable(Runnable task, Object context) {
    this.task = task;
    this.context = context;
  }

  /**
   * Wraps {@code task} with the caller's current context. Returns the task itself when there is
   * no context to carry or it is already carried, so executors outside requests see their own
   * objects and nested executors do not wrap twice.
   */
  public static Runnable wrap(Runnable task) {
    Object context = ContextSlot.get();
    if (context == null || task == null || task instanceof CarriedRunnable) {
      return task;
    }
    return new CarriedRunnable(task, context);
  }

  /** The application's task, for code that needs to see through the wrapper. */
  public Runnable task() {
    return task;
  }

  @Override
  public void run() {
    Object previous = ContextSlot.get();
    ContextSlot.set(context);
    try {
      task.run();
    } finally {
      ContextSlot.set(previous);
    }
  }

  @Override
  public String toString() {
    return task.toString();
  }
}
