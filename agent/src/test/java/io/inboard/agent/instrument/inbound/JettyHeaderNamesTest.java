package io.inboard.agent.instrument.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.testing.LoopbackJetty;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.filter.FilterSettings;
import io.inboard.filter.InboardFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jetty's own header fields, read by the filter in a real Jetty, give what the servlet API gives. */
class JettyHeaderNamesTest {

  @Test
  void readsEveryHeaderFieldsNameOfAJettyRequestAndLeavesOtherRequestsToTheServletApi() throws Exception {
    List<String> read = new ArrayList<>();
    List<String> servletApi = new ArrayList<>();
    boolean[] wrapperRead = {true};
    FilterSettings settings = new FilterSettings(() -> Set.of("x-tenant", "x-request-id"), null, null, false, null);
    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpServletRequest container = (HttpServletRequest) ((HttpServletRequestWrapper) req).getRequest();
        JettyHeaderNames.INSTANCE.each(container, read::add);
        servletApi.addAll(Collections.list(container.getHeaderNames()));
        wrapperRead[0] = JettyHeaderNames.INSTANCE.each(req, name -> {});
        PropagationContext c = PropagationContext.current();
        resp.getWriter().write("x-tenant=" + c.values("x-tenant") + " x-request-id=" + c.get("x-request-id")
            + " other=" + c.get("other"));
      }
    };
    try (LoopbackJetty jetty = LoopbackJetty.start(new InboardFilter(settings, JettyHeaderNames.INSTANCE), servlet)) {
      String body = jetty.get("X-Tenant", "acme", "x-tenant", "beta", "X-Request-Id", "r-1", "other", "no");

      assertThat(body).isEqualTo("x-tenant=[acme, beta] x-request-id=r-1 other=null");
      // Every field's name, a repeated one as often as it occurs; the same names the servlet API lists.
      assertThat(read).filteredOn(n -> n.equalsIgnoreCase("x-tenant")).hasSize(2);
      assertThat(read.stream().map(String::toLowerCase).distinct().sorted().toList())
          .isEqualTo(servletApi.stream().map(String::toLowerCase).distinct().sorted().toList())
          .contains("x-request-id", "other", "host");
      assertThat(wrapperRead[0]).as("a wrapper is not Jetty's request: left to the servlet API").isFalse();
    }
  }
}
