package io.inboard.agent.instrument.inbound;

/**
 * What the inbound hook asks of one servlet container's filter installer in one class loader (see
 * {@link JettyFilterInstaller}, {@link TomcatFilterInstaller}). Typed {@code Object}: this interface
 * is shared by every loader's copy of the installers, and the container's types differ from one
 * loader to the next. Each default does nothing.
 */
public interface ContainerHooks {
  /** For a container its class loader cannot take the filter into: nothing is installed. */
  ContainerHooks NONE = new ContainerHooks() {};

  /** A servlet context is starting (Jetty) or about to start its filters (Tomcat). */
  default void contextStarting(Object context) {}

  /** Jetty: a servlet handler is about to start its filters, the context's initializers having run. */
  default void filtersStarting(Object handler) {}
}
