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

  /**
   * The request, its async dispatches and its error pages: an error page runs with the request's
   * context and sees its generated x-request-id (the filter measures the request once regardless).
   */
  static EnumSet<DispatcherType> requestAsyncAndError() {
    return EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
  }
}
