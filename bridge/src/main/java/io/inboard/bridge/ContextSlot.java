package io.inboard.bridge;

/**
 * The one per-thread slot holding the current propagation context, shared by the application's
 * classes, the servlet filter and advice inlined into JDK classes.
 *
 * <p>It lives on the bootstrap class path so that every class loader (the JDK's, the container's,
 * the application's) sees the same slot. The value is typed {@code Object} because the context
 * type itself belongs to the agent; the bridge must not depend on it.
 */
public final class ContextSlot {
  private static final ThreadLocal<Object> SLOT = new ThreadLocal<>();

  private ContextSlot() {}

  /** The context attached to the calling thread, or {@code null}. */
  public static Object get() {
    return SLOT.get();
  }

  /**
   * Attaches {@code context}; {@code null} clears the slot so idle threads hold no reference. The
   * slot's entry is kept (set to null, not removed): removing it made the next request's first
   * {@link #get} create the entry again, an allocation and a hash-table insert per request.
   */
  public static void set(Object context) {
    SLOT.set(context);
  }
}
