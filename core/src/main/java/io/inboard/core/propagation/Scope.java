package io.inboard.core.propagation;

/**
 * The lifetime of one {@link PropagationContext#attach attach}: closing it puts back the context
 * that was current before. Close it on the thread that attached, in reverse order (try-with-resources).
 */
public interface Scope extends AutoCloseable {
  /** A scope that changed nothing, so closing it restores nothing. */
  Scope NOOP = () -> {};

  /** Restores the previous context; idempotent. Never throws. */
  @Override
  void close();
}
