package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter the runtime hands to the instrumentation, in a real Jetty: headers follow the rules. */
class RuntimeFilterTest {
  @TempDir Path dir;

  @Test
  void theFilterCapturesTheHeadersTheRulesInForceNeedAndMeasuresAsTheDestination() throws Exception {
    Path rules = MeshFixtures.rulesFile(dir, "40-dark-release.yaml");
    AgentRuntime runtime = AgentRuntime.startDetached(AgentOptions.parse(
        "config=" + rules + ",service=frontend,namespace=traffic-management,labels=version=v1,propagate=x-tenant,"
            + "first-snapshot-wait=60s",
        Map.of(), Map.of()));
    Server server = new Server();
    try {
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.addFilter(new FilterHolder(runtime.newFilter(null)), "/*", EnumSet.of(DispatcherType.REQUEST));
      context.addServlet(new ServletHolder(new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          PropagationContext c = PropagationContext.current();
          resp.getWriter().write("mode=" + c.get("mode") + " x-tenant=" + c.get("x-tenant") + " x-other=" + c.get("x-other"));
        }
      }), "/");
      server.setHandler(context);
      server.start();

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
              .header("mode", "dev").header("x-tenant", "acme").header("x-other", "no").timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      // mode: tested by the dark release's match; x-tenant: configured; x-other: neither.
      assertThat(response.body()).isEqualTo("mode=dev x-tenant=acme x-other=null");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.metrics().scrape())
          .contains("reporter=\"destination\"")
          .contains("destination_service=\"frontend.traffic-management.svc.cluster.local\"")
          .contains("destination_version=\"v1\""));
    } finally {
      server.stop();
      runtime.stop();
    }
  }
}
