package io.inboard.agent.instrument.outbound;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.Hooks;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Routes OkHttp 4 and 5 calls. Every client, whether built by {@code Builder.build()} or
 * {@code new OkHttpClient()}, is constructed from a builder: the advice adds Inboard's
 * interceptor to it there, once. Each new call's request gets the current context's headers on
 * the calling thread, so calls enqueued for another thread carry them too.
 */
public final class OkHttpInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    return Map.of(
        "okhttp3.OkHttpClient",
            (b, type, loader, module, domain) ->
                b.visit(
                        Advice.to(ConstructorAdvice.class)
                            .on(
                                isConstructor()
                                    .and(takesArguments(1))
                                    .and(takesArgument(0, named("okhttp3.OkHttpClient$Builder")))))
                    .visit(
                        Advice.to(NewCallAdvice.class)
                            .on(
                                named("newCall")
                                    .and(takesArguments(1))
                                    .and(takesArgument(0, named("okhttp3.Request"))))));
  }

  static final class ConstructorAdvice {
    private ConstructorAdvice() {}

    // No exception suppression: a constructor's enter advice runs before the super call. The hook
    // itself never throws.
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Object builder) {
      Hooks.outbound().okHttpClientBuilding(builder);
    }
  }

  static final class NewCallAdvice {
    private NewCallAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object request) {
      request = Hooks.outbound().okHttpNewCall(request);
    }
  }
}
