package io.inboard.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The walk-through's user service: a Jetty server with plain servlets. Run it with
 * {@code PORT=8081 VERSION=v2 java -jar demo-user-service.jar}.
 */
public final class UserService implements AutoCloseable {

    private final Server server;
    private final DownstreamClient downstream;
    private final String instance;

    private UserService(Server server, DownstreamClient downstream, String instance) {
        this.server = server;
        this.downstream = downstream;
        this.instance = instance;
    }

    /** Starts a service with {@code settings}; the caller closes it. */
    public static UserService start(ServiceSettings settings) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        // Bind first: the default instance name carries the port actually bound (PORT=0 picks one).
        connector.open();
        String instance = settings.instance() != null
                ? settings.instance()
                : hostName() + "-" + connector.getLocalPort();

        ObjectMapper json = new ObjectMapper();
        DownstreamClient downstream = settings.downstreamUrl() == null
                ? null
                : new DownstreamClient(settings.downstreamUrl(), settings.canaryUrl(), settings.canaryPercent(), json);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder users = new ServletHolder("users",
                new UsersServlet(settings.version(), instance, downstream, json, true));
        context.addServlet(users, "");
        context.addServlet(users, "/list");
        context.addServlet(new ServletHolder("echo-headers",
                new UsersServlet(settings.version(), instance, downstream, json, false)), "/echo-headers");
        context.addServlet(new ServletHolder("health",
                new HealthServlet(settings.version(), instance)), "/healthz");
        server.setHandler(context);
        // No graceful drain: demo requests are short, and a graceful stop waits for idle keep-alive connections.
        server.setStopTimeout(0);
        server.start();
        return new UserService(server, downstream, instance);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String instance() {
        return instance;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        if (downstream != null) {
            downstream.close();
        }
    }

    public static void main(String[] args) throws Exception {
        ServiceSettings settings;
        try {
            settings = ServiceSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("demo-user-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        UserService service = start(settings);
        System.out.println("demo-user-service " + settings.version() + " instance " + service.instance()
                + " listening on port " + service.port()
                + (settings.downstreamUrl() == null ? "" : ", calling " + settings.downstreamUrl())
                + (settings.canaryUrl() == null ? ""
                        : " and " + settings.canaryUrl() + " for " + settings.canaryPercent() + "% of the calls"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("demo-user-service: stopping failed: " + e);
            }
        }, "demo-user-service-stop"));
        service.server.join();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
