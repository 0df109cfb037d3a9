package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.core.mesh.Workload;
import io.inboard.core.propagation.PropagationContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Two copies of the filter on one request (the agent's and one registered by hand): the outer one
 * acts, the inner one stands aside — one context, one measurement.
 */
class NestedFiltersTest {
  @Test
  void theOutermostFilterActsAndTheInnerOneStandsAside() throws Exception {
    List<RequestSample> outer = new CopyOnWriteArrayList<>();
    List<RequestSample> inner = new CopyOnWriteArrayList<>();
    Workload self = new Workload("default", "user", Map.of());
    InboardFilter first = new InboardFilter(new FilterSettings(() -> Set.of("mode"), outer::add, self, false, null));
    InboardFilter second = new InboardFilter(new FilterSettings(() -> Set.of("x-tenant"), inner::add, self, false, null));

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(first), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(second), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PropagationContext c = PropagationContext.current();
        resp.getWriter().write("mode=" + c.get("mode") + " x-tenant=" + c.get("x-tenant"));
      }
    }), "/");
    server.setHandler(context);
    server.start();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
              .header("mode", "dev").header("x-tenant", "acme").timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("mode=dev x-tenant=null");
      await().atMost(Duration.ofSeconds(10)).until(() -> outer.size() == 1);
      assertThat(inner).isEmpty();
    } finally {
      server.stop();
    }
  }
}
