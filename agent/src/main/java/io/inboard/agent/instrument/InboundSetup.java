package io.inboard.agent.instrument;

import io.inboard.filter.FilterSettings;

/**
 * What the container instrumentations need from the agent's runtime. Shared by the installers'
 * copies in every class loader, so it names no Servlet API type: each copy makes its own loader's
 * filter from these settings.
 */
public interface InboundSetup {
  /** How a filter bound to the runtime behaves: headers to capture, metrics, identity. */
  FilterSettings filterSettings();

  /** The servlet container listens on {@code port}: what to register when none was configured. */
  void containerPort(int port);

  /** Counts and logs (once per place) an internal failure that Inboard recovered from. */
  void recordFailure(String where, Throwable error);
}
