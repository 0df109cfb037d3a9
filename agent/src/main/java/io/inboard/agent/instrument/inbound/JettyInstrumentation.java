package io.inboard.agent.instrument.inbound;

import static io.inboard.agent.weave.MethodAdvice.on;
import static io.inboard.agent.weave.MethodAdvice.passThis;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;

/**
 * Installs the filter into every Jetty 12 ee10 servlet context as it starts
 * ({@code ServletContextHandler.startContext()}, on entry), moves it ahead of the filters the
 * context's initializers mapped once they have run ({@code ServletHandler.initialize()}, on entry),
 * and reports the port a {@code ServerConnector} opened ({@code open()}, on return).
 */
public final class JettyInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "servlet-jetty";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "org.eclipse.jetty.ee10.servlet.ServletContextHandler",
        List.of(on("startContext", "()V").onEnter(passThis("jettyContextStarting")).enterOnly()),
        "org.eclipse.jetty.ee10.servlet.ServletHandler",
        List.of(on("initialize", "()V").onEnter(passThis("jettyFiltersStarting")).enterOnly()),
        "org.eclipse.jetty.server.ServerConnector",
        List.of(on("open", "()V").onReturn(passThis("connectorStarted"))));
  }
}
