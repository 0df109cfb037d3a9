package io.inboard.agent.it.app;

import jakarta.servlet.http.HttpServlet;
import java.io.PrintStream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A plain service as a user would write it, run in a forked JVM with the agent attached: one
 * servlet that calls a downstream through the client and thread the caller asks for. It has no
 * Inboard code and does not forward any header.
 *
 * <p>Usage: {@code MeshService jetty|tomcat}. Prints {@code LISTENING <port>} once it serves.
 */
public final class MeshService {
  private MeshService() {}

  public static void main(String[] args) throws Exception {
    String container = args.length > 0 ? args[0] : "jetty";
    HttpServlet servlet = new CallServlet();
    int port =
        switch (container) {
          case "jetty" -> jetty(servlet);
          case "tomcat" -> tomcat(servlet);
          default -> throw new IllegalArgumentException("container must be jetty or tomcat: " + container);
        };
    PrintStream out = System.out;
    out.println("LISTENING " + port);
    out.flush();
    Thread.currentThread().join();
  }

  private static int jetty(HttpServlet servlet) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(servlet), "/*");
    server.setHandler(context);
    server.start();
    return connector.getLocalPort();
  }

  private static int tomcat(HttpServlet servlet) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/mesh-service-tomcat-" + ProcessHandle.current().pid());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "call", servlet);
    context.addServletMappingDecoded("/*", "call");
    tomcat.start();
    return connector.getLocalPort();
  }
}
