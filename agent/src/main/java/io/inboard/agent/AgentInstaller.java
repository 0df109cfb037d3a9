package io.inboard.agent;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.instrument.Instrumentations;
import io.inboard.agent.instrument.inbound.AgentInboundHook;
import io.inboard.agent.instrument.outbound.AgentOutboundHook;
import io.inboard.agent.loader.ClassInjector;
import io.inboard.agent.weave.MethodAdvice;
import io.inboard.agent.weave.Weaver;
import io.inboard.bridge.ClassDefinition;
import io.inboard.bridge.ContextSlot;
import io.inboard.bridge.Hooks;
import io.inboard.core.propagation.PropagationContext;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wires the agent together once the bridge is on the bootstrap class path: the context storage,
 * the runtime (started without waiting), the hooks the woven code calls, and the weaver for the
 * instrumentations that are switched on.
 */
final class AgentInstaller {
  private AgentInstaller() {}

  static void install(String agentArgs, Instrumentation instrumentation) {
    long start = System.nanoTime();
    letJdkModulesReadBridge(instrumentation);
    PropagationContext.useStorage(new SlotContextStorage());
    RuntimeBinding runtime = RuntimeBinding.start(agentArgs, instrumentation);
    ClassInjector injector = new ClassInjector(AgentInstaller.class.getClassLoader(), defineClass(runtime));
    Hooks.install(new AgentOutboundHook(runtime, injector), new AgentInboundHook(runtime, injector));

    Map<String, List<MethodAdvice>> types = new HashMap<>();
    List<String> enabled = new ArrayList<>();
    for (InboardInstrumentation each : Instrumentations.ALL) {
      if (runtime.instrumentationEnabled(each.name())) {
        types.putAll(each.types());
        enabled.add(each.name());
      }
    }
    Weaver weaver = new Weaver(types, runtime::recordFailure, name -> runtime.debug("instrumented " + name));
    instrumentation.addTransformer(weaver, true);
    int changed = retransformLoaded(instrumentation, weaver, runtime);
    runtime.log(
        "instrumented "
            + String.join(", ", enabled)
            + " in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms ("
            + changed
            + " classes loaded before the agent retransformed)");
  }

  /**
   * The JDK's {@code ClassLoader.defineClass}, claimed now, before the application runs, for the
   * copies of the agent's library classes in the application's class loaders ({@link ClassInjector});
   * {@code null} (those libraries left alone, the application's class path still routed) when it
   * cannot be had.
   */
  private static Method defineClass(RuntimeBinding runtime) {
    try {
      return ClassDefinition.claim();
    } catch (Throwable t) {
      runtime.recordFailure("class-loaders", t);
      return null;
    }
  }

  /** Types the agent changes that were loaded before it (the JDK's executors, typically). */
  private static int retransformLoaded(Instrumentation instrumentation, Weaver weaver, RuntimeBinding runtime) {
    int changed = 0;
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (!weaver.isTarget(type) || !instrumentation.isModifiableClass(type)) {
        continue;
      }
      try {
        // One at a time: a type that cannot be changed must not keep the others unchanged.
        instrumentation.retransformClasses(type);
        changed++;
      } catch (Throwable t) {
        runtime.recordFailure("instrument " + type.getName(), t);
      }
    }
    return changed;
  }

  /**
   * The bridge, and only it (not the application's unnamed module), may write an answer the mesh
   * gives an {@code HttpURLConnection} into the JDK's connection ({@code UrlAnswer}): its response
   * fields and their type, and the {@code connected} and {@code responseCode} fields its
   * {@code java.net} superclasses keep; and reach {@code ClassLoader.defineClass} in
   * {@code java.lang} ({@code ClassDefinition}).
   */
  private static Map<String, Set<Module>> opensToBridge(String module, Module bridge) {
    return module.equals("java.base")
        ? Map.of("sun.net.www.protocol.http", Set.of(bridge), "sun.net.www", Set.of(bridge),
            "java.net", Set.of(bridge), "java.lang", Set.of(bridge))
        : Map.of();
  }

  /**
   * Woven code in classes of named JDK modules calls the bridge, which sits in the bootstrap
   * loader's unnamed module; named modules read no unnamed module unless told to.
   */
  private static void letJdkModulesReadBridge(Instrumentation instrumentation) {
    Module bridge;
    try {
      bridge = Class.forName(BootstrapBridge.PROBE, false, null).getModule();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the bridge is not on the bootstrap class path", e);
    }
    for (String name : List.of("java.base", "java.net.http")) {
      ModuleLayer.boot()
          .findModule(name)
          .ifPresent(
              module ->
                  instrumentation.redefineModule(
                      module, Set.of(bridge), Map.of(), opensToBridge(name, bridge), Set.of(), Map.of()));
    }
    // Touch the slot so a missing bridge fails here, at start, and not inside a request.
    ContextSlot.get();
  }
}
