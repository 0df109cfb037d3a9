package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The filter scenarios on Jetty 12 (ee10), filter declared by class with init-parameters. */
class JettyFilterTest extends FilterScenarios {
  @Override
  Container start(Map<String, String> initParams, Map<String, HttpServlet> servlets) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(InboardFilter.class);
    filter.setInitParameters(initParams);
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
    servlets.forEach(
        (path, servlet) -> {
          ServletHolder holder = new ServletHolder(servlet);
          holder.setAsyncSupported(true);
          context.addServlet(holder, path);
        });
    ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
    errors.addErrorPage(404, ERROR_PAGE);
    errors.addErrorPage(PageException.class, ERROR_PAGE);
    context.setErrorHandler(errors);
    server.setHandler(context);
    server.start();
    return new Container() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public void close() throws Exception {
        server.stop();
      }
    };
  }

  @Test
  void aRequestJettyRejectsIsMeasuredWithTheStatusJettySends() throws Exception {
    // Over Jetty's default maxFormContentSize (200000): getParameter throws a BadMessageException,
    // which Jetty answers with a 400.
    String body = "name=" + "x".repeat(300_000);
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(awaitOneSample().responseCode()).isEqualTo(400);
  }
}
