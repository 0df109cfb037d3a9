package io.inboard.agent.instrument.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.propagation.PropagationContext;
import io.inboard.filter.FilterSettings;
import io.inboard.filter.InboardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** Jetty's own header fields, read by the filter in a real Jetty, give what the servlet API gives. */
class JettyHeaderNamesTest {

  @Test
  void readsEveryHeaderFieldsNameOfAJettyRequestAndLeavesOtherRequestsToTheServletApi() throws Exception {
    List<String> read = new ArrayList<>();
    List<String> servletApi = new ArrayList<>();
    boolean[] wrapperRead = {true};
    Server server = new Server();
    try {
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      FilterSettings settings = new FilterSettings(() -> Set.of("x-tenant", "x-request-id"), null, null, false, null);
      context.addFilter(new FilterHolder(new InboardFilter(settings, JettyHeaderNames.INSTANCE)), "/*",
          EnumSet.of(DispatcherType.REQUEST));
      context.addServlet(new ServletHolder(new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          HttpServletRequest container = (HttpServletRequest) ((HttpServletRequestWrapper) req).getRequest();
          JettyHeaderNames.INSTANCE.each(container, read::add);
          servletApi.addAll(java.util.Collections.list(container.getHeaderNames()));
          wrapperRead[0] = JettyHeaderNames.INSTANCE.each(req, name -> {});
          PropagationContext c = PropagationContext.current();
          resp.getWriter().write("x-tenant=" + c.values("x-tenant") + " x-request-id=" + c.get("x-request-id")
              + " other=" + c.get("other"));
        }
      }), "/");
      server.setHandler(context);
      server.start();

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
              .header("X-Tenant", "acme").header("x-tenant", "beta").header("X-Request-Id", "r-1")
              .header("other", "no").timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.body()).isEqualTo("x-tenant=[acme, beta] x-request-id=r-1 other=null");
      // Every field's name, a repeated one as often as it occurs; the same names the servlet API lists.
      assertThat(read).filteredOn(n -> n.equalsIgnoreCase("x-tenant")).hasSize(2);
      assertThat(read.stream().map(String::toLowerCase).distinct().sorted().toList())
          .isEqualTo(servletApi.stream().map(String::toLowerCase).distinct().sorted().toList())
          .contains("x-request-id", "other", "host");
      assertThat(wrapperRead[0]).as("a wrapper is not Jetty's request: left to the servlet API").isFalse();
    } finally {
      server.stop();
    }
  }
}
