package io.inboard.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One thing the agent instruments, under a name users switch it off by
 * ({@code inboard.instrumentation.<name>.enabled=false}).
 */
public interface InboardInstrumentation {
  /** The switch name, e.g. {@code okhttp}. */
  String name();

  /** Adds this instrumentation's type matchers and advice; matching is by type name first. */
  AgentBuilder extend(AgentBuilder builder);
}
