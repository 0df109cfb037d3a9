package io.inboard.filter;

import io.inboard.core.propagation.ContextStorage;
import io.inboard.core.propagation.PropagationContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Context storage whose slots another thread can inspect: shows which threads still hold a context. */
final class ThreadMapStorage implements ContextStorage {
  final Map<Thread, PropagationContext> slots = new ConcurrentHashMap<>();

  @Override
  public PropagationContext get() {
    return slots.get(Thread.currentThread());
  }

  @Override
  public void set(PropagationContext context) {
    if (context == null) {
      slots.remove(Thread.currentThread());
    } else {
      slots.put(Thread.currentThread(), context);
    }
  }
}
