package io.inboard.agent.instrument;

import io.inboard.filter.HeaderNames;
import io.inboard.filter.InboardFilter;

/** What the container instrumentations need from the agent's runtime. */
public interface InboundSetup {
  /**
   * A filter for one servlet context, bound to the runtime (headers to capture, metrics, identity),
   * reading header names through {@code headerNames} where it can (null: the servlet API).
   */
  InboardFilter newFilter(HeaderNames headerNames);

  /** The servlet container listens on {@code port}: what to register when none was configured. */
  void containerPort(int port);

  /** Counts and logs (once per place) an internal failure that Inboard recovered from. */
  void recordFailure(String where, Throwable error);
}
