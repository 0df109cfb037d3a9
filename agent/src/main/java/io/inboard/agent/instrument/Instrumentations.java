package io.inboard.agent.instrument;

import io.inboard.agent.instrument.executor.ExecutorInstrumentation;
import io.inboard.agent.instrument.inbound.JettyInstrumentation;
import io.inboard.agent.instrument.inbound.TomcatInstrumentation;
import io.inboard.agent.instrument.outbound.JdkHttpClientInstrumentation;
import io.inboard.agent.instrument.outbound.OkHttpInstrumentation;
import io.inboard.agent.instrument.outbound.UrlConnectionInstrumentation;
import java.util.List;

/** Every instrumentation the agent has; each is switched on unless its option says otherwise. */
public final class Instrumentations {
  public static final List<InboardInstrumentation> ALL =
      List.of(
          new JettyInstrumentation(),
          new TomcatInstrumentation(),
          new OkHttpInstrumentation(),
          new JdkHttpClientInstrumentation(),
          new UrlConnectionInstrumentation(),
          new ExecutorInstrumentation());

  private Instrumentations() {}
}
