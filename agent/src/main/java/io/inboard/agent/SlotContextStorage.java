package io.inboard.agent;

import io.inboard.bridge.ContextSlot;
import io.inboard.core.propagation.ContextStorage;
import io.inboard.core.propagation.PropagationContext;

/**
 * Keeps the current propagation context in the bridge's slot on the bootstrap class path, where the
 * executor advice inlined into JDK classes reads and restores it: the filter, the outbound hooks
 * and the task wrappers all share one slot per thread.
 */
final class SlotContextStorage implements ContextStorage {
  @Override
  public PropagationContext get() {
    return ContextSlot.get() instanceof PropagationContext context ? context : null;
  }

  @Override
  public void set(PropagationContext context) {
    ContextSlot.set(context);
  }
}
