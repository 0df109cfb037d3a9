package io.inboard.agent.instrument.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.filter.FilterSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The filter installed where the agent's advice does it (on entry of Jetty's
 * ServletContextHandler.startContext() and ServletHandler.initialize(), of Tomcat's
 * StandardContext.filterStart()) comes first: an application filter registered the usual
 * programmatic way (a ServletContainerInitializer, as Spring Boot does, isMatchAfter=false) runs
 * behind Inboard's and sees the request's context.
 */
class FilterInstallOrderTest {
  static final InboundSetup SETUP = new InboundSetup() {
    @Override
    public FilterSettings filterSettings() {
      return new FilterSettings(() -> Set.of("my-header", "x-request-id"), null, null, true, null);
    }

    @Override
    public void containerPort(int port) {}

    @Override
    public void recordFailure(String where, Throwable error) {
      throw new AssertionError(where, error);
    }
  };

  /** An application filter that reports what it sees of the request's context. */
  static final Filter APP_FILTER = (request, response, chain) -> {
    ((HttpServletResponse) response).setHeader("seen-by-app-filter", "my-header=" + PropagationContext.current().get("my-header"));
    chain.doFilter(request, response);
  };

  static final ServletContainerInitializer APP_INITIALIZER = (classes, ctx) ->
      ctx.addFilter("app", APP_FILTER).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

  static final HttpServlet SERVLET = new HttpServlet() {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
      resp.getWriter().write("my-header=" + PropagationContext.current().get("my-header"));
    }
  };

  @Test
  void onJettyAnApplicationFilterAddedByAnInitializerRunsBehindInboard() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler() {
      @Override
      protected void startContext() throws Exception {
        new JettyFilterInstaller(SETUP).contextStarting(this); // what the advice on entry does
        super.startContext();
      }
    };
    context.setServletHandler(
        new ServletHandler() {
          @Override
          public void initialize() throws Exception {
            new JettyFilterInstaller(SETUP).filtersStarting(this); // what the advice on entry does
            super.initialize();
          }
        });
    context.addServletContainerInitializer(APP_INITIALIZER);
    context.addServlet(new ServletHolder(SERVLET), "/");
    server.setHandler(context);
    server.start();
    try {
      HttpResponse<String> response = get(connector.getLocalPort());
      assertThat(response.body()).isEqualTo("my-header=ivy");
      assertThat(response.headers().firstValue("seen-by-app-filter")).hasValue("my-header=ivy");
    } finally {
      server.stop();
    }
  }

  @Test
  void onTomcatAnApplicationFilterAddedByAnInitializerRunsBehindInboard() throws Exception {
    Path base = Files.createTempDirectory("inboard-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    StandardContext context = new StandardContext() {
      @Override
      public boolean filterStart() {
        new TomcatFilterInstaller(SETUP).contextStarting(this); // what the advice on entry does
        return super.filterStart();
      }
    };
    context.setName("");
    context.setPath("");
    context.setDocBase(base.toString());
    context.addLifecycleListener(new Tomcat.FixContextListener());
    context.addServletContainerInitializer(APP_INITIALIZER, null);
    tomcat.getHost().addChild(context);
    Tomcat.addServlet(context, "servlet", SERVLET);
    context.addServletMappingDecoded("/", "servlet");
    tomcat.start();
    try {
      HttpResponse<String> response = get(connector.getLocalPort());
      assertThat(response.body()).isEqualTo("my-header=ivy");
      assertThat(response.headers().firstValue("seen-by-app-filter")).hasValue("my-header=ivy");
    } finally {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  private static HttpResponse<String> get(int port) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("my-header", "ivy").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
