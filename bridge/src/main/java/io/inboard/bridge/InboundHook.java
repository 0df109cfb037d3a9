package io.inboard.bridge;

/**
 * What advice inlined into servlet containers calls: the moment to install the filter, and the
 * port the container listens on. Implementations never throw.
 */
public interface InboundHook {
  InboundHook NONE = new InboundHook() {};

  /** Jetty ee10: a {@code ServletContextHandler} is starting its context. */
  default void jettyContextStarting(Object servletContextHandler) {}

  /**
   * Jetty ee10: a {@code ServletHandler} is about to start its filters, its context's initializers
   * having run.
   */
  default void jettyFiltersStarting(Object servletHandler) {}

  /** Tomcat: a {@code StandardContext} is about to start its filters. */
  default void tomcatFiltersStarting(Object standardContext) {}

  /**
   * A server connector (Jetty's {@code ServerConnector}, Tomcat's {@code Connector}) has started
   * listening.
   */
  default void connectorStarted(Object connector) {}
}
