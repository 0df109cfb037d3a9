package io.inboard.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry point. It does as little as possible and never throws into the
 * application: it allows the {@code Host} header the routing needs, puts the bridge on the
 * bootstrap class path, and hands over to {@link AgentInstaller}, which starts the runtime
 * (without waiting for it) and installs the instrumentations.
 *
 * <p>This class must not refer to bridge types: they become loadable only after
 * {@link BootstrapBridge#append} has run.
 */
public final class InboardAgent {
  private static volatile boolean started;

  private InboardAgent() {}

  public static void premain(String agentArgs, Instrumentation instrumentation) {
    start(agentArgs, instrumentation);
  }

  public static void agentmain(String agentArgs, Instrumentation instrumentation) {
    start(agentArgs, instrumentation);
  }

  private static synchronized void start(String agentArgs, Instrumentation instrumentation) {
    if (started) {
      return;
    }
    started = true;
    try {
      RestrictedHeaders.allowHost();
      BootstrapBridge.append(instrumentation);
      AgentInstaller.install(agentArgs, instrumentation);
    } catch (Throwable t) {
      // The application must start whatever happens here; say once why routing is off.
      System.err.println("[inboard] agent not started, the application runs without it: " + t);
      t.printStackTrace();
    }
  }
}
