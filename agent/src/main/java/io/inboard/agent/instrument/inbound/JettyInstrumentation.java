package io.inboard.agent.instrument.inbound;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.Hooks;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Installs the filter into every Jetty 12 ee10 servlet context as it starts, and reports the port a
 * {@code ServerConnector} opened.
 */
public final class JettyInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "servlet-jetty";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    return Map.of(
        "org.eclipse.jetty.ee10.servlet.ServletContextHandler",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(ContextStartAdvice.class).on(named("startContext").and(takesArguments(0)))),
        "org.eclipse.jetty.server.ServerConnector",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(ConnectorOpenAdvice.class).on(named("open").and(takesArguments(0)))));
  }

  static final class ContextStartAdvice {
    private ContextStartAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object context) {
      Hooks.inbound().jettyContextStarting(context);
    }
  }

  static final class ConnectorOpenAdvice {
    private ConnectorOpenAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object connector) {
      Hooks.inbound().connectorStarted(connector);
    }
  }
}
