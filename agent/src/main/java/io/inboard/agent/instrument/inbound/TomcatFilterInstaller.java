package io.inboard.agent.instrument.inbound;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.filter.InboardFilter;
import jakarta.servlet.DispatcherType;
import org.apache.catalina.core.StandardContext;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Puts the filter's definition and mapping ahead of the application's in a Tomcat context, once its
 * initializers have run (they run before {@code filterStart()}), so it comes first in the chain.
 * One per class loader that defines Tomcat (a copy defined there when it is not the agent's), so
 * public.
 */
public final class TomcatFilterInstaller implements ContainerHooks {
  private final InboundSetup setup;

  public TomcatFilterInstaller(InboundSetup setup) {
    this.setup = setup;
  }

  /** Tomcat calls this as the context is about to start its filters. */
  @Override
  public void contextStarting(Object candidate) {
    if (!(candidate instanceof StandardContext context)) {
      return;
    }
    if (context.findFilterDef(AgentInboundHook.FILTER_NAME) == null) {
      FilterDef def = new FilterDef();
      def.setFilterName(AgentInboundHook.FILTER_NAME);
      // Tomcat lists header names without building a collection: no HeaderNames of its own.
      def.setFilter(new InboardFilter(setup.filterSettings(), null));
      def.setFilterClass(InboardFilter.class.getName());
      def.setAsyncSupported("true");
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName(AgentInboundHook.FILTER_NAME);
      map.addURLPattern("/*");
      for (DispatcherType type : FilterDispatches.requestAsyncAndError()) {
        map.setDispatcher(type.name());
      }
      // Among the "before" mappings: after those the initializers added (isMatchAfter=false).
      context.addFilterMapBefore(map);
    } // else a reloaded context: installed already
    putFirst(context);
  }

  /**
   * Moves the filter's mapping to the very front. The mappings ahead of it are the "before" ones
   * (from initializers, {@code isMatchAfter=false}); they are put back as "before" mappings and the
   * rest after them, so the context's split between the two stays as it was.
   */
  private static void putFirst(StandardContext context) {
    FilterMap[] maps = context.findFilterMaps();
    int ours = -1;
    for (int i = 0; i < maps.length; i++) {
      if (AgentInboundHook.FILTER_NAME.equals(maps[i].getFilterName())) {
        ours = i;
        break;
      }
    }
    if (ours <= 0) {
      return;
    }
    for (FilterMap map : maps) {
      context.removeFilterMap(map);
    }
    context.addFilterMapBefore(maps[ours]);
    for (int i = 0; i < maps.length; i++) {
      if (i < ours) {
        context.addFilterMapBefore(maps[i]);
      } else if (i > ours) {
        context.addFilterMap(maps[i]);
      }
    }
  }
}
