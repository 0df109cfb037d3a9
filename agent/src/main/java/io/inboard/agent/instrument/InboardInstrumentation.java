package io.inboard.agent.instrument;

import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One thing the agent instruments, under a name users switch it off by
 * ({@code inboard.instrumentation.<name>.enabled=false}).
 */
public interface InboardInstrumentation {
  /** The switch name, e.g. {@code okhttp}. */
  String name();

  /**
   * The types this instrumentation changes, by binary name, each with the advice it adds. Types are
   * matched by these exact names and nothing else, so that every other class the application loads
   * costs the agent one set look-up. Called at premain: building Byte Buddy matchers belongs inside
   * the transformers, which run later.
   */
  Map<String, AgentBuilder.Transformer> types();
}
