package io.inboard.agent.instrument.inbound;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.filter.InboardFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;

/** Puts the filter first in a Jetty ee10 context's filter chain. */
final class JettyFilterInstaller {
  private JettyFilterInstaller() {}

  static void install(Object candidate, InboundSetup setup) {
    if (!(candidate instanceof ServletContextHandler context)) {
      return;
    }
    ServletHandler handler = context.getServletHandler();
    if (handler.getFilter(AgentInboundHook.FILTER_NAME) != null) {
      return; // restarted context: installed already
    }
    FilterHolder holder = new FilterHolder(setup.newFilter(JettyHeaderNames.INSTANCE));
    holder.setName(AgentInboundHook.FILTER_NAME);
    holder.setAsyncSupported(true);
    FilterMapping mapping = new FilterMapping();
    mapping.setFilterName(AgentInboundHook.FILTER_NAME);
    mapping.setPathSpec("/*");
    mapping.setDispatcherTypes(FilterDispatches.requestAndAsync());
    handler.prependFilter(holder);
    handler.prependFilterMapping(mapping);
  }
}
