package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.testing.LoopbackJetty;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.filter.InboardFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PropagationContext c = PropagationContext.current();
        resp.getWriter().write("mode=" + c.get("mode") + " x-tenant=" + c.get("x-tenant") + " x-other=" + c.get("x-other"));
      }
    };
    try (LoopbackJetty jetty = LoopbackJetty.start(new InboardFilter(runtime.filterSettings(), null), servlet)) {
      String body = jetty.get("mode", "dev", "x-tenant", "acme", "x-other", "no");
      // mode: tested by the dark release's match; x-tenant: configured; x-other: neither.
      assertThat(body).isEqualTo("mode=dev x-tenant=acme x-other=null");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.metrics().scrape())
          .contains("reporter=\"destination\"")
          .contains("destination_service=\"frontend.traffic-management.svc.cluster.local\"")
          .contains("destination_version=\"v1\""));
    } finally {
      runtime.stop();
    }
  }
}
