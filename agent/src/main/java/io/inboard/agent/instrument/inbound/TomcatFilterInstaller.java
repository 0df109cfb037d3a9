package io.inboard.agent.instrument.inbound;

import io.inboard.agent.instrument.InboundSetup;
import io.inboard.filter.InboardFilter;
import jakarta.servlet.DispatcherType;
import org.apache.catalina.core.StandardContext;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Puts the filter's definition and mapping ahead of the application's in a Tomcat context. */
final class TomcatFilterInstaller {
  private TomcatFilterInstaller() {}

  static void install(Object candidate, InboundSetup setup) {
    if (!(candidate instanceof StandardContext context)) {
      return;
    }
    if (context.findFilterDef(AgentInboundHook.FILTER_NAME) != null) {
      return; // reloaded context: installed already
    }
    FilterDef def = new FilterDef();
    def.setFilterName(AgentInboundHook.FILTER_NAME);
    def.setFilter(setup.newFilter(null)); // Tomcat lists header names without building a collection
    def.setFilterClass(InboardFilter.class.getName());
    def.setAsyncSupported("true");
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName(AgentInboundHook.FILTER_NAME);
    map.addURLPattern("/*");
    for (DispatcherType type : FilterDispatches.requestAndAsync()) {
      map.setDispatcher(type.name());
    }
    // Before the application's mappings (and after any other added this way).
    context.addFilterMapBefore(map);
  }
}
