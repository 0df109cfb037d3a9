package io.inboard.agent.instrument.inbound;

/**
 * The port a container's connector listens on. Each container's types are touched only when that
 * container is in use (the advice hands connectors over as {@code Object}, because naming the
 * instrumented type in advice would load it while it is being defined).
 */
final class ConnectorPort {
  private ConnectorPort() {}

  static int of(Object connector) {
    String type = connector.getClass().getName();
    if (type.startsWith("org.eclipse.jetty.")) {
      return Jetty.port(connector);
    }
    if (type.startsWith("org.apache.catalina.")) {
      return Tomcat.port(connector);
    }
    return -1;
  }

  private static final class Jetty {
    static int port(Object connector) {
      return connector instanceof org.eclipse.jetty.server.ServerConnector c ? c.getLocalPort() : -1;
    }
  }

  private static final class Tomcat {
    static int port(Object connector) {
      return connector instanceof org.apache.catalina.connector.Connector c ? c.getLocalPort() : -1;
    }
  }
}
