package io.inboard.agent.instrument.inbound;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.bridge.InboundHook;
import io.inboard.filter.InboardFilter;

/**
 * The agent's implementation of the bridge's inbound hook: puts an {@link InboardFilter} first in
 * each servlet context, ahead of the filters the application maps (in {@code web.xml} or from its
 * initializers), mapped to every path for {@code REQUEST}, {@code ASYNC} and {@code ERROR}
 * dispatches (the filter measures only the outermost one), without any change to the application.
 */
public final class AgentInboundHook implements InboundHook {
  /** The name the filter is registered under; also how a second installation is recognised. */
  public static final String FILTER_NAME = "inboard";

  private final InboundSetup setup;

  public AgentInboundHook(InboundSetup setup) {
    this.setup = setup;
  }

  @Override
  public void jettyContextStarting(Object context) {
    try {
      JettyFilterInstaller.install(context, setup);
    } catch (Throwable t) {
      setup.recordFailure("servlet-jetty", t);
    }
  }

  @Override
  public void jettyFiltersStarting(Object servletHandler) {
    try {
      JettyFilterInstaller.putFirst(servletHandler);
    } catch (Throwable t) {
      setup.recordFailure("servlet-jetty", t);
    }
  }

  @Override
  public void tomcatFiltersStarting(Object context) {
    try {
      TomcatFilterInstaller.install(context, setup);
    } catch (Throwable t) {
      setup.recordFailure("servlet-tomcat", t);
    }
  }

  @Override
  public void connectorStarted(Object connector) {
    try {
      int port = ConnectorPort.of(connector);
      if (port > 0) {
        setup.containerPort(port);
      }
    } catch (Throwable t) {
      setup.recordFailure("servlet-port", t);
    }
  }
}
