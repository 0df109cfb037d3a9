package io.inboard.agent.instrument.inbound;

/**
 * The port a container's connector listens on: Jetty's {@code ServerConnector} and Tomcat's
 * {@code Connector} both say it by a public {@code getLocalPort()}. Called by name, once per
 * connector, so that it works whichever class loader defined the container, with no copy of
 * agent classes there (the advice hands connectors over as {@code Object}).
 */
final class ConnectorPort {
  private ConnectorPort() {}

  static int of(Object connector) throws ReflectiveOperationException {
    String type = connector.getClass().getName();
    if (!type.startsWith("org.eclipse.jetty.") && !type.startsWith("org.apache.catalina.")) {
      return -1;
    }
    return ((Number) connector.getClass().getMethod("getLocalPort").invoke(connector)).intValue();
  }
}
