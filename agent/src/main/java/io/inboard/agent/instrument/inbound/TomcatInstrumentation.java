package io.inboard.agent.instrument.inbound;

import static io.inboard.agent.weave.MethodAdvice.on;
import static io.inboard.agent.weave.MethodAdvice.passThis;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;

/**
 * Installs the filter into every Tomcat 10.1 context just before it starts its filters
 * ({@code StandardContext.filterStart()}, on entry), and reports the port a {@code Connector}
 * listens on once started ({@code startInternal()}, on return).
 */
public final class TomcatInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "servlet-tomcat";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "org.apache.catalina.core.StandardContext",
        List.of(on("filterStart", "()Z").onEnter(passThis("tomcatFiltersStarting")).enterOnly()),
        "org.apache.catalina.connector.Connector",
        List.of(on("startInternal", "()V").onReturn(passThis("connectorStarted"))));
  }
}
