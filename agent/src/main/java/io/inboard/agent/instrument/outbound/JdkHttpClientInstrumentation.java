package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.weave.MethodAdvice.call;
import static io.inboard.agent.weave.MethodAdvice.on;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;

/**
 * Routes {@code java.net.http.HttpClient} calls. {@code send} and both {@code sendAsync} methods of
 * the JDK's implementation funnel into one private four-argument {@code sendAsync}, called on the
 * application's thread: the advice swaps the request there, or returns the future of the mesh's
 * own answer (a response, or a failed future where none can be made), and hands the returned future to the agent with the client and the body
 * handler (metrics on completion, and retries, which send again through the same client).
 */
public final class JdkHttpClientInstrumentation implements InboardInstrumentation {
  private static final String FUTURE = "java/util/concurrent/CompletableFuture";

  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "jdk.internal.net.http.HttpClientImpl",
        List.of(
            on(
                    "sendAsync",
                    "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
                        + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)")
                .onEnter(JdkHttpClientInstrumentation::enter)
                .onReturn(
                    // future = AdviceCalls.jdkHttpSent(future, request, this, bodyHandler)
                    code -> {
                      code.visitVarInsn(Opcodes.ALOAD, 1);
                      code.visitVarInsn(Opcodes.ALOAD, 0);
                      code.visitVarInsn(Opcodes.ALOAD, 2);
                      call(
                          code,
                          "jdkHttpSent",
                          "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
                      code.visitTypeInsn(Opcodes.CHECKCAST, FUTURE);
                    })));
  }

  /**
   * <pre>
   *   Object sending = AdviceCalls.jdkHttpSending(request, bodyHandler, this, pushPromiseHandler, executor);
   *   if (sending instanceof CompletableFuture) return (CompletableFuture) sending;  // refused or answered
   *   request = (HttpRequest) sending;
   * </pre>
   * The one branch the agent adds anywhere. Its target needs a stack map frame: the method's
   * initial locals (its parameters, untouched so far) and the request on the stack, which is what
   * {@code F_SAME1} says; frames of the original code that follow are relative to locals that did
   * not change, so they stay valid.
   */
  private static void enter(org.objectweb.asm.MethodVisitor code) {
    Label send = new Label();
    code.visitVarInsn(Opcodes.ALOAD, 1);
    code.visitVarInsn(Opcodes.ALOAD, 2);
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitVarInsn(Opcodes.ALOAD, 3);
    code.visitVarInsn(Opcodes.ALOAD, 4);
    call(code, "jdkHttpSending",
        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
    code.visitInsn(Opcodes.DUP);
    code.visitTypeInsn(Opcodes.INSTANCEOF, FUTURE);
    code.visitJumpInsn(Opcodes.IFEQ, send);
    code.visitTypeInsn(Opcodes.CHECKCAST, FUTURE);
    code.visitInsn(Opcodes.ARETURN);
    code.visitLabel(send);
    code.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
    code.visitTypeInsn(Opcodes.CHECKCAST, "java/net/http/HttpRequest");
    code.visitVarInsn(Opcodes.ASTORE, 1);
  }
}
