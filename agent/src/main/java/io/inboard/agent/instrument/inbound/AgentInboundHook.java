package io.inboard.agent.instrument.inbound;

import static io.inboard.agent.loader.LibraryClasses.named;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.agent.loader.ClassInjector;
import io.inboard.agent.loader.LibraryClasses;
import io.inboard.agent.loader.LoaderHooks;
import io.inboard.bridge.InboundHook;
import io.inboard.filter.FilterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent's implementation of the bridge's inbound hook: puts an {@code InboardFilter} first in
 * each servlet context, ahead of the filters the application maps (in {@code web.xml} or from its
 * initializers), mapped to every path for {@code REQUEST}, {@code ASYNC} and {@code ERROR}
 * dispatches (the filter measures only the outermost one), without any change to the application.
 * Each container's advice goes to the installer of the class loader that defined that container
 * (see {@link LoaderHooks}).
 */
public final class AgentInboundHook implements InboundHook {
  /** The name the filter is registered under; also how a second installation is recognised. */
  public static final String FILTER_NAME = "inboard";

  /** The filter module's classes that link against the Servlet API: both containers need them. */
  private static final List<String> SERVLET_FILTER =
      List.of(
          named(FilterSettings.class, "HeaderNames"),
          named(FilterSettings.class, "InboardFilter"),
          named(FilterSettings.class, "InboundExchange"),
          named(FilterSettings.class, "InboundRequest"),
          named(FilterSettings.class, "PropagatingAsyncContext"),
          named(ContainerHooks.class, "FilterDispatches"));

  /** The classes that link against Jetty ee10, defined in each class loader with a Jetty of its own. */
  public static final LibraryClasses JETTY =
      container(
          "servlet-jetty",
          Set.of("org.eclipse.jetty.ee10.servlet.ServletContextHandler", "org.eclipse.jetty.ee10.servlet.ServletHandler"),
          named(ContainerHooks.class, "JettyFilterInstaller"),
          named(ContainerHooks.class, "JettyHeaderNames"));

  /** The classes that link against Tomcat, defined in each class loader with a Tomcat of its own. */
  public static final LibraryClasses TOMCAT =
      container(
          "servlet-tomcat",
          Set.of("org.apache.catalina.core.StandardContext"),
          named(ContainerHooks.class, "TomcatFilterInstaller"));

  private final InboundSetup setup;
  private final LoaderHooks<ContainerHooks> jetty;
  private final LoaderHooks<ContainerHooks> tomcat;

  public AgentInboundHook(InboundSetup setup, ClassInjector injector) {
    this.setup = setup;
    this.jetty = hooks(JETTY, injector, () -> new JettyFilterInstaller(setup));
    this.tomcat = hooks(TOMCAT, injector, () -> new TomcatFilterInstaller(setup));
  }

  private static LibraryClasses container(String name, Set<String> anchors, String entry, String... others) {
    List<String> classes = new ArrayList<>(SERVLET_FILTER);
    classes.add(entry);
    classes.addAll(List.of(others));
    return new LibraryClasses(name, anchors, classes, entry);
  }

  private LoaderHooks<ContainerHooks> hooks(
      LibraryClasses library, ClassInjector injector, Supplier<ContainerHooks> own) {
    return new LoaderHooks<>(
        library, ContainerHooks.class, injector, own, ContainerHooks.NONE, InboundSetup.class, setup,
        setup::recordFailure);
  }

  @Override
  public void jettyContextStarting(Object context) {
    try {
      jetty.of(context).contextStarting(context);
    } catch (Throwable t) {
      setup.recordFailure("servlet-jetty", t);
    }
  }

  @Override
  public void jettyFiltersStarting(Object servletHandler) {
    try {
      jetty.of(servletHandler).filtersStarting(servletHandler);
    } catch (Throwable t) {
      setup.recordFailure("servlet-jetty", t);
    }
  }

  @Override
  public void tomcatFiltersStarting(Object context) {
    try {
      tomcat.of(context).contextStarting(context);
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
