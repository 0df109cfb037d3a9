package io.inboard.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.instrument.executor.ExecutorInstrumentation;
import io.inboard.agent.instrument.inbound.AgentInboundHook;
import io.inboard.agent.instrument.inbound.JettyInstrumentation;
import io.inboard.agent.instrument.inbound.TomcatInstrumentation;
import io.inboard.agent.instrument.outbound.AgentOutboundHook;
import io.inboard.agent.instrument.outbound.JdkHttpClientInstrumentation;
import io.inboard.agent.instrument.outbound.OkHttpInstrumentation;
import io.inboard.agent.instrument.outbound.UrlConnectionInstrumentation;
import io.inboard.bridge.ContextSlot;
import io.inboard.bridge.Hooks;
import io.inboard.core.propagation.PropagationContext;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.utility.JavaModule;

/**
 * Wires the agent together once the bridge is on the bootstrap class path: the context storage,
 * the runtime (started without waiting), the hooks the advice calls, and the instrumentations that
 * are switched on — their Byte Buddy transformer prepared off the application's thread (see
 * {@link DeferredTransformer}).
 */
final class AgentInstaller {
  /** Every instrumentation, by switch name. */
  static final List<InboardInstrumentation> ALL =
      List.of(
          new JettyInstrumentation(),
          new TomcatInstrumentation(),
          new OkHttpInstrumentation(),
          new JdkHttpClientInstrumentation(),
          new UrlConnectionInstrumentation(),
          new ExecutorInstrumentation());

  private AgentInstaller() {}

  static void install(String agentArgs, Instrumentation instrumentation) {
    long start = System.nanoTime();
    letJdkModulesReadBridge(instrumentation);
    PropagationContext.useStorage(new SlotContextStorage());
    RuntimeBinding runtime = RuntimeBinding.start(agentArgs, instrumentation);
    Hooks.install(new AgentOutboundHook(runtime), new AgentInboundHook(runtime));

    Map<String, AgentBuilder.Transformer> types = new HashMap<>();
    List<String> enabled = new ArrayList<>();
    for (InboardInstrumentation each : ALL) {
      if (runtime.instrumentationEnabled(each.name())) {
        types.putAll(each.types());
        enabled.add(each.name());
      }
    }
    long premainMillis = (System.nanoTime() - start) / 1_000_000;
    DeferredTransformer.install(
        instrumentation,
        types.keySet(),
        () -> byteBuddyTransformer(types, runtime),
        runtime::recordFailure,
        () ->
            runtime.log(
                "instrumented "
                    + String.join(", ", enabled)
                    + " (premain "
                    + premainMillis
                    + " ms, Byte Buddy ready "
                    + (System.nanoTime() - start) / 1_000_000
                    + " ms after premain began, off the application's thread)"));
  }

  /** Byte Buddy's transformer for {@code types}, matched by name; not registered (the deferred one calls it). */
  private static ClassFileTransformer byteBuddyTransformer(
      Map<String, AgentBuilder.Transformer> types, RuntimeBinding runtime) {
    // The agent never injects classes (advice is inlined), so Byte Buddy's Nexus, whose set-up
    // touches sun.misc.Unsafe and makes Java 24+ print a warning, is not needed.
    if (System.getProperty(Nexus.PROPERTY) == null) {
      System.setProperty(Nexus.PROPERTY, "true");
    }
    AgentBuilder builder =
        // Advice is checked when it is written; validating every transformed type again only
        // costs start-up time.
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(new FailureListener(runtime))
            // Only the named types reach this transformer (see DeferredTransformer).
            .ignore(none());
    for (Map.Entry<String, AgentBuilder.Transformer> type : types.entrySet()) {
      builder = builder.type(named(type.getKey())).transform(type.getValue());
    }
    return builder.makeRaw();
  }

  /**
   * Advice inlined into classes of named JDK modules calls the bridge, which sits in the bootstrap
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
                      module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of()));
    }
    // Touch the slot so a missing bridge fails here, at start, and not inside a request.
    ContextSlot.get();
  }

  /** Reports a type the agent could not instrument, once per type, through the runtime. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    private final RuntimeBinding runtime;

    FailureListener(RuntimeBinding runtime) {
      this.runtime = runtime;
    }

    @Override
    public void onError(
        String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      runtime.recordFailure("instrument " + typeName, throwable);
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      runtime.debug("instrumented " + typeDescription.getName());
    }
  }
}
