package io.inboard.agent;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.agent.runtime.AgentOptions;
import io.inboard.agent.runtime.AgentRuntime;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;
import io.inboard.filter.FilterSettings;
import java.lang.instrument.Instrumentation;

/**
 * Connects the instrumentations to the agent's runtime (options, control plane, router, metrics):
 * everything the advice needs from the runtime goes through here.
 */
final class RuntimeBinding implements OutboundRouting, InboundSetup {
  /**
   * Test switch: every outbound decision fails inside Inboard, to show that such a failure leaves
   * the call as the application made it. Outside the {@code inboard.} option namespace on purpose.
   */
  static final String FAIL_OUTBOUND = "io.inboard.agent.fail-outbound";

  /** Prints each instrumented type to standard error. */
  static final String DEBUG = "io.inboard.agent.debug";

  private final AgentRuntime runtime;
  private final boolean failOutbound = Boolean.getBoolean(FAIL_OUTBOUND);
  private final boolean debug = Boolean.getBoolean(DEBUG);

  private RuntimeBinding(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  /** Reads the options and starts the runtime; returns at once (the control plane runs on its own thread). */
  static RuntimeBinding start(String agentArgs, Instrumentation instrumentation) {
    return new RuntimeBinding(AgentRuntime.start(AgentOptions.fromEnvironment(agentArgs), instrumentation));
  }

  boolean instrumentationEnabled(String name) {
    return runtime.instrumentationEnabled(name);
  }

  @Override
  public Decision decide(RequestView request) {
    if (failOutbound) {
      throw new IllegalStateException("outbound decision failed on purpose (" + FAIL_OUTBOUND + "=true)");
    }
    return runtime.router().route(request);
  }

  @Override
  public Workload caller() {
    return runtime.self();
  }

  @Override
  public void recordOutbound(Decision decision, int status, long durationNanos) {
    runtime.recordOutbound(decision, status, durationNanos);
  }

  @Override
  public void callStarted(Decision decision) {
    if (decision.instance() != null) {
      runtime.inFlight().started(decision.instance());
    }
  }

  @Override
  public void callFinished(Decision decision) {
    if (decision.instance() != null) {
      runtime.inFlight().finished(decision.instance());
    }
  }

  @Override
  public void tried(Decision decision, int status) {
    runtime.tried(decision, status);
  }

  @Override
  public DestinationLimits limits(Decision decision) {
    return runtime.limits(decision);
  }

  @Override
  public void recordOverflow(Decision decision) {
    runtime.recordOverflow(decision);
  }

  @Override
  public void recordMirror(MirrorResult result) {
    runtime.recordMirror(result.label());
  }

  @Override
  public FilterSettings filterSettings() {
    return runtime.filterSettings();
  }

  @Override
  public void containerPort(int port) {
    runtime.onServerPort(port);
  }

  @Override
  public void recordFailure(String where, Throwable error) {
    runtime.recordFailure(where, error);
  }

  void log(String message) {
    System.err.println("[inboard] " + message);
  }

  void debug(String message) {
    if (debug) {
      log(message);
    }
  }
}
