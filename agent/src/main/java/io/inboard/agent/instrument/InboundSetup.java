package io.inboard.agent.instrument;

import io.inboard.filter.InboardFilter;

/** What the container instrumentations need from the agent's runtime. */
public interface InboundSetup {
  /** A filter for one servlet context, bound to the runtime (headers to capture, metrics, identity). */
  InboardFilter newFilter();

  /** The servlet container listens on {@code port}: what to register when none was configured. */
  void containerPort(int port);

  /** Counts and logs (once per place) an internal failure that Inboard recovered from. */
  void recordFailure(String where, Throwable error);
}
