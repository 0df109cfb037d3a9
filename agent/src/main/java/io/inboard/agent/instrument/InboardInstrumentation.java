package io.inboard.agent.instrument;

import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;

/**
 * One thing the agent instruments, under a name users switch it off by
 * ({@code inboard.instrumentation.<name>.enabled=false}).
 */
public interface InboardInstrumentation {
  /** The switch name, e.g. {@code okhttp}. */
  String name();

  /**
   * The types this instrumentation changes, by binary name, each with the advice for its methods.
   * Types are matched by these exact names and nothing else.
   */
  Map<String, List<MethodAdvice>> types();
}
