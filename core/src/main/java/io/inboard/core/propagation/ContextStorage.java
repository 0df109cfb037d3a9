package io.inboard.core.propagation;

/**
 * Where the current {@link PropagationContext} of a thread lives. The default is a plain
 * {@link ThreadLocal}; the Java agent installs one backed by its bootstrap class path slot, so that
 * JDK classes (executors, HTTP clients) instrumented by the agent see the same context as the
 * application.
 *
 * <p>Implementations must be thread-confined per thread (each thread its own slot), cheap (called on
 * every request and every task hand-off) and must never throw.
 */
public interface ContextStorage {
  /** The context attached to the calling thread, or {@code null} when none. */
  PropagationContext get();

  /** Attaches {@code context} to the calling thread; {@code null} clears the slot. */
  void set(PropagationContext context);

  /** The default storage: one {@link ThreadLocal}. */
  static ContextStorage threadLocal() {
    return new ThreadLocalStorage();
  }
}

/** A plain ThreadLocal, cleared (not set to EMPTY) so idle pool threads hold no reference. */
final class ThreadLocalStorage implements ContextStorage {
  private final ThreadLocal<PropagationContext> slot = new ThreadLocal<>();

  @Override
  public PropagationContext get() {
    return slot.get();
  }

  @Override
  public void set(PropagationContext context) {
    if (context == null) {
      slot.remove();
    } else {
      slot.set(context);
    }
  }
}
