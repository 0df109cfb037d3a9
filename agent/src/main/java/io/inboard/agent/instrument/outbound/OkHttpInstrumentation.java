package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.weave.MethodAdvice.call;
import static io.inboard.agent.weave.MethodAdvice.on;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Routes OkHttp 4 and 5 calls. Every client, whether built by {@code Builder.build()} or
 * {@code new OkHttpClient()}, is constructed from a builder: the advice adds Inboard's
 * interceptor to it there, once. Each new call's request gets the current context's headers on
 * the calling thread, so calls enqueued for another thread carry them too; and an enqueued call's
 * callback runs with the enqueuing thread's context, so the calls it makes carry them as well.
 */
public final class OkHttpInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "okhttp3.OkHttpClient",
        List.of(
            // Before the super call: the advice only reads the builder argument.
            on("<init>", "(Lokhttp3/OkHttpClient$Builder;)V")
                .onEnter(
                    code -> {
                      code.visitVarInsn(Opcodes.ALOAD, 1);
                      call(code, "okHttpClientBuilding", "(Ljava/lang/Object;)V");
                    })
                .enterOnly(),
            // request = AdviceCalls.okHttpNewCall(request)
            on("newCall", "(Lokhttp3/Request;)")
                .onEnter(replaceFirstArgument("okHttpNewCall", "okhttp3/Request"))
                .enterOnly()),
        "okhttp3.internal.connection.RealCall",
        List.of(
            // callback = AdviceCalls.okHttpEnqueue(callback): it runs with the enqueuing thread's context
            on("enqueue", "(Lokhttp3/Callback;)V")
                .onEnter(replaceFirstArgument("okHttpEnqueue", "okhttp3/Callback"))
                .enterOnly()));
  }

  /** {@code argument1 = (type) AdviceCalls.<hook>(argument1)}. */
  private static Consumer<MethodVisitor> replaceFirstArgument(String hook, String type) {
    return code -> {
      code.visitVarInsn(Opcodes.ALOAD, 1);
      call(code, hook, "(Ljava/lang/Object;)Ljava/lang/Object;");
      code.visitTypeInsn(Opcodes.CHECKCAST, type);
      code.visitVarInsn(Opcodes.ASTORE, 1);
    };
  }
}
