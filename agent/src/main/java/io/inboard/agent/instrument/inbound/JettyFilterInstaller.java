package io.inboard.agent.instrument.inbound;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.filter.InboardFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;

/**
 * Puts the filter first in a Jetty ee10 context's filter chain: installed as the context starts, and
 * moved ahead of the mappings the context's initializers added (a "match before" mapping added
 * through the servlet API goes to the front) once they have run, when the filters start. One per
 * class loader that defines Jetty (a copy defined there when it is not the agent's), so public.
 */
public final class JettyFilterInstaller implements ContainerHooks {
  private final InboundSetup setup;

  public JettyFilterInstaller(InboundSetup setup) {
    this.setup = setup;
  }

  @Override
  public void contextStarting(Object candidate) {
    if (!(candidate instanceof ServletContextHandler context)) {
      return;
    }
    ServletHandler handler = context.getServletHandler();
    if (handler.getFilter(AgentInboundHook.FILTER_NAME) != null) {
      return; // restarted context: installed already
    }
    FilterHolder holder = new FilterHolder(new InboardFilter(setup.filterSettings(), JettyHeaderNames.INSTANCE));
    holder.setName(AgentInboundHook.FILTER_NAME);
    holder.setAsyncSupported(true);
    FilterMapping mapping = new FilterMapping();
    mapping.setFilterName(AgentInboundHook.FILTER_NAME);
    mapping.setPathSpec("/*");
    mapping.setDispatcherTypes(FilterDispatches.requestAsyncAndError());
    handler.prependFilter(holder);
    handler.prependFilterMapping(mapping);
  }

  /** Moves the filter's mapping to the front of {@code candidate}'s, if it is not there already. */
  @Override
  public void filtersStarting(Object candidate) {
    if (!(candidate instanceof ServletHandler handler)) {
      return;
    }
    FilterMapping[] mappings = handler.getFilterMappings();
    if (mappings == null) {
      return;
    }
    for (int i = 1; i < mappings.length; i++) {
      if (AgentInboundHook.FILTER_NAME.equals(mappings[i].getFilterName())) {
        FilterMapping[] reordered = new FilterMapping[mappings.length];
        reordered[0] = mappings[i];
        System.arraycopy(mappings, 0, reordered, 1, i);
        System.arraycopy(mappings, i + 1, reordered, i + 1, mappings.length - i - 1);
        handler.setFilterMappings(reordered);
        return;
      }
    }
  }
}
