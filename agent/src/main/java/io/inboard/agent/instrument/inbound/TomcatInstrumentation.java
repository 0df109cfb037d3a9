package io.inboard.agent.instrument.inbound;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.Hooks;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Installs the filter into every Tomcat 10.1 context just before it starts its filters, and reports
 * the port a {@code Connector} listens on once started.
 */
public final class TomcatInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "servlet-tomcat";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    return Map.of(
        "org.apache.catalina.core.StandardContext",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(FilterStartAdvice.class).on(named("filterStart").and(takesArguments(0)))),
        "org.apache.catalina.connector.Connector",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(ConnectorStartAdvice.class).on(named("startInternal").and(takesArguments(0)))));
  }

  static final class FilterStartAdvice {
    private FilterStartAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object context) {
      Hooks.inbound().tomcatFiltersStarting(context);
    }
  }

  static final class ConnectorStartAdvice {
    private ConnectorStartAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object connector) {
      Hooks.inbound().connectorStarted(connector);
    }
  }
}
