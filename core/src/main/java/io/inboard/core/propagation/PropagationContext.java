package io.inboard.core.propagation;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * The headers of one inbound request that travel on to every outbound call made while handling it
 * ({@code my-header}, {@code mode}, {@code x-request-id}, ...): an immutable map of lower-case
 * header name to its values, restricted to the names to propagate.
 *
 * <p>One context is current per thread ({@link #current()}); the servlet filter attaches one for
 * each inbound request and closes it when the request completes, the agent's outbound hooks read
 * it, and {@link #wrap(Runnable)} carries it onto another thread.
 */
public final class PropagationContext {
  /** No headers: what {@link #current()} returns outside any request. */
  public static final PropagationContext EMPTY = new PropagationContext(Map.of());

  private static volatile ContextStorage storage = ContextStorage.threadLocal();

  private final Map<String, List<String>> headers;

  private PropagationContext(Map<String, List<String>> headers) {
    this.headers = headers;
  }

  /** Where an inbound request's header values are read from, by name (case-insensitive). */
  @FunctionalInterface
  public interface HeaderSource {
    /** The values of header {@code name}; {@code null} or empty when absent. */
    Collection<String> values(String name);
  }

  /**
   * Captures from {@code source} the headers named in {@code names} (lower case, each once). Headers
   * absent from the request are absent from the context; a request with none of them gives
   * {@link #EMPTY}.
   */
  public static PropagationContext capture(Collection<String> names, HeaderSource source) {
    Map<String, List<String>> captured = null;
    for (String name : names) {
      Collection<String> values = source.values(name);
      if (values == null || values.isEmpty()) {
        continue;
      }
      if (captured == null) {
        captured = new LinkedHashMap<>();
      }
      captured.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
    }
    return captured == null ? EMPTY : new PropagationContext(Collections.unmodifiableMap(captured));
  }

  /** A context of exactly these headers (names are lower-cased; null or empty value lists dropped). */
  public static PropagationContext of(Map<String, ? extends Collection<String>> headers) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          if (values != null && !values.isEmpty()) {
            copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
          }
        });
    return copy.isEmpty() ? EMPTY : new PropagationContext(Collections.unmodifiableMap(copy));
  }

  /** This context with header {@code name} set to the single {@code value}. */
  public PropagationContext with(String name, String value) {
    if (headers.isEmpty()) {
      // The usual case at the edge (a request without propagated headers gets an x-request-id).
      return new PropagationContext(Map.of(name.toLowerCase(Locale.ROOT), List.of(value)));
    }
    Map<String, List<String>> copy = new LinkedHashMap<>(headers);
    copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
    return new PropagationContext(Collections.unmodifiableMap(copy));
  }

  /** The first value of {@code name} (any case), or {@code null}. */
  public String get(String name) {
    List<String> values = headers.get(lower(name));
    return values == null ? null : values.get(0);
  }

  /** All values of {@code name} (any case); empty when absent. */
  public List<String> values(String name) {
    return headers.getOrDefault(lower(name), List.of());
  }

  /** Lower-case header name to values, in capture order; unmodifiable. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** Calls {@code action} for each header; the cheap way for outbound hooks to add them. */
  public void forEach(BiConsumer<String, List<String>> action) {
    headers.forEach(action);
  }

  public boolean isEmpty() {
    return headers.isEmpty();
  }

  // ---------------------------------------------------------------- the current context

  /** The context of the calling thread; {@link #EMPTY} when none is attached. Never {@code null}. */
  public static PropagationContext current() {
    PropagationContext context = storage.get();
    return context == null ? EMPTY : context;
  }

  /**
   * Makes {@code context} current on this thread until the returned scope is closed, which puts back
   * whatever was current before. Use try-with-resources.
   */
  public static Scope attach(PropagationContext context) {
    Objects.requireNonNull(context, "context");
    ContextStorage slot = storage;
    PropagationContext previous = slot.get();
    if (previous == context) {
      return Scope.NOOP;
    }
    slot.set(context);
    return new Restore(slot, previous);
  }

  /**
   * {@code task} bound to the context current now: it runs with that context attached, whichever
   * thread runs it, and leaves the running thread as it found it. A task wrapped outside any request
   * runs with {@link #EMPTY}, so a pooled thread never leaks one request's headers into another.
   */
  public static Runnable wrap(Runnable task) {
    PropagationContext captured = current();
    return () -> {
      try (Scope ignored = attach(captured)) {
        task.run();
      }
    };
  }

  /** Like {@link #wrap(Runnable)}, for a {@link Callable}. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    PropagationContext captured = current();
    return () -> {
      try (Scope ignored = attach(captured)) {
        return task.call();
      }
    };
  }

  /**
   * Replaces where contexts are kept (the agent does this once in premain, before any request).
   * Contexts attached in the previous storage are not carried over.
   */
  public static void useStorage(ContextStorage replacement) {
    storage = Objects.requireNonNull(replacement, "storage");
  }

  /** The storage in use. */
  public static ContextStorage storage() {
    return storage;
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PropagationContext other && headers.equals(other.headers);
  }

  @Override
  public int hashCode() {
    return headers.hashCode();
  }

  @Override
  public String toString() {
    return "PropagationContext" + headers;
  }

  /** Puts back the previous context once, even if closed twice. */
  private static final class Restore implements Scope {
    private final ContextStorage slot;
    private final PropagationContext previous;
    private boolean closed;

    Restore(ContextStorage slot, PropagationContext previous) {
      this.slot = slot;
      this.previous = previous;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        slot.set(previous);
      }
    }
  }
}
