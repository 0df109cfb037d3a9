package io.inboard.agent.instrument.outbound;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.Hooks;
import java.io.IOException;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Routes {@code java.net.http.HttpClient} calls. {@code send} and both {@code sendAsync} methods of
 * the JDK's implementation funnel into one private four-argument {@code sendAsync}, called on the
 * application's thread: the advice swaps the request there, or answers with a failed future when
 * the mesh refuses the call.
 */
public final class JdkHttpClientInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    return Map.of(
        "jdk.internal.net.http.HttpClientImpl",
            (b, type, loader, module, domain) ->
                b.visit(
                    Advice.to(SendAdvice.class)
                        .on(
                            named("sendAsync")
                                .and(takesArguments(4))
                                .and(takesArgument(0, named("java.net.http.HttpRequest"))))));
  }

  static final class SendAdvice {
    private SendAdvice() {}

    @Advice.OnMethodEnter(skipOn = IOException.class, suppress = Throwable.class)
    static Object enter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object request) {
      Object sent = Hooks.outbound().jdkHttpRequest(request);
      if (sent != null && !(sent instanceof IOException)) {
        request = sent;
      }
      return sent;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object sent,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future) {
      future = Hooks.outbound().jdkHttpSent(sent, future);
    }
  }
}
