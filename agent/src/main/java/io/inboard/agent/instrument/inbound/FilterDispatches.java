package io.inboard.agent.instrument.inbound;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;

/**
 * The dispatches the filter is mapped for. Kept out of {@link AgentInboundHook}: that class is
 * loaded at premain, also in applications without the Servlet API, where a reference to
 * {@code DispatcherType} would fail its verification and stop the agent from starting.
 */
final class FilterDispatches {
  private FilterDispatches() {}

  static EnumSet<DispatcherType> requestAndAsync() {
    return EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
  }
}
