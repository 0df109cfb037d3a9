package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.weave.MethodAdvice.call;
import static io.inboard.agent.weave.MethodAdvice.on;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Routes {@code HttpURLConnection} calls. Every way of using a connection ({@code connect},
 * {@code getOutputStream}, {@code getInputStream}, {@code getResponseCode}) reaches
 * {@code plainConnect} before a socket is opened, on the application's thread and after the
 * application has set its headers: the advice points the connection's URL at the chosen instance
 * there, or fails the connect when the mesh refuses the call; a connect that fails (refused, timed
 * out) may be retried there, to another instance, before the failure reaches the application. It reads and writes the JDK class's
 * own fields ({@code url}, {@code connected}, {@code connecting}), present from Java 17 to 25. A
 * routed call is recorded in the metrics when its status is known: the input stream opened, or the
 * application asked for the status (an error status makes {@code getInputStream} throw); or,
 * without a status, when its connect failed and is not retried. A routed call that holds a slot of
 * its destination's circuit breaker gives it back when its status is known, its connect failed for
 * good, opening its input or output stream threw, or the application called {@code disconnect()}.
 */
public final class UrlConnectionInstrumentation implements InboardInstrumentation {
  private static final String CONNECTION = "sun/net/www/protocol/http/HttpURLConnection";

  @Override
  public String name() {
    return "httpurlconnection";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "sun.net.www.protocol.http.HttpURLConnection",
        List.of(
            on("plainConnect", "()V")
                .onEnter(UrlConnectionInstrumentation::enter)
                .onThrow("java/io/IOException", connectAgain(CONNECTION)),
            // The input stream opened: the status is known (AdviceCalls.urlResponded(this, responseCode)).
            // It threw: the exchange is over, with a status (already reported) or without one.
            on("getInputStream0", "()Ljava/io/InputStream;")
                .beforeReturn(
                    code -> {
                      code.visitVarInsn(Opcodes.ALOAD, 0);
                      code.visitVarInsn(Opcodes.ALOAD, 0);
                      code.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "responseCode", "I");
                      call(code, "urlResponded", "(Ljava/lang/Object;I)V");
                    })
                .onThrow("java/lang/Throwable", ended()),
            // Opening the request body's stream failed: the JDK disconnected the connection itself.
            on("getOutputStream0", "()Ljava/io/OutputStream;").onThrow("java/lang/Throwable", ended()),
            on("disconnect", "()V").onEnter(MethodAdvice.passThis("urlEnded")).enterOnly()),
        // An error status makes getInputStream throw; applications then ask getResponseCode.
        "java.net.HttpURLConnection",
        List.of(
            on("getResponseCode", "()I")
                .onReturn(
                    code -> {
                      code.visitInsn(Opcodes.DUP); // [code, code]
                      code.visitVarInsn(Opcodes.ALOAD, 0); // [code, code, this]
                      code.visitInsn(Opcodes.SWAP); // [code, this, code]
                      call(code, "urlResponded", "(Ljava/lang/Object;I)V");
                    })));
  }

  /**
   * {@code AdviceCalls.urlEnded(this); throw e;} where the method throws: the exchange ended without
   * an answer (or after the one already reported), so a circuit-breaker slot it holds is given back.
   */
  public static Consumer<MethodVisitor> ended() {
    return code -> {
      code.visitVarInsn(Opcodes.ALOAD, 0); // [e, this]
      call(code, "urlEnded", "(Ljava/lang/Object;)V"); // [e]
      code.visitInsn(Opcodes.ATHROW);
    };
  }

  /**
   * Where the connect failed ({@code plainConnect0} opens the socket; nothing was sent, and the
   * connection's fields are as they were before it, {@code connected} still false):
   * <pre>
   *   catch (IOException e) {
   *     if (!AdviceCalls.urlConnectFailed(this, e)) throw e;
   *     plainConnect();   // again: its entry takes the retry's URL; a failure of it is the call's
   *   }
   * </pre>
   * in {@code owner}'s {@code plainConnect()} (the JDK's class; a stand-in in the weaver's tests).
   */
  public static Consumer<MethodVisitor> connectAgain(String owner) {
    return code -> connectAgain(code, owner);
  }

  private static void connectAgain(MethodVisitor code, String owner) {
    Label rethrow = new Label();
    code.visitInsn(Opcodes.DUP); // [e, e]
    code.visitVarInsn(Opcodes.ALOAD, 0); // [e, e, this]
    code.visitInsn(Opcodes.SWAP); // [e, this, e]
    call(code, "urlConnectFailed", "(Ljava/lang/Object;Ljava/lang/Throwable;)Z"); // [e, retry]
    code.visitJumpInsn(Opcodes.IFEQ, rethrow); // [e]
    code.visitInsn(Opcodes.POP);
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitMethodInsn(Opcodes.INVOKEVIRTUAL, owner, "plainConnect", "()V", false);
    code.visitInsn(Opcodes.RETURN);
    code.visitLabel(rethrow);
    code.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/io/IOException"});
    code.visitInsn(Opcodes.ATHROW);
  }

  /**
   * <pre>
   *   boolean wasConnecting = connecting;
   *   connecting = false;   // getInputStream/getOutputStream set it before connecting, which forbids
   *                         // setting request headers; nothing has been sent yet, so the hook may
   *   url = AdviceCalls.urlConnecting(this, url, connected);   // throws the mesh's refusal
   *   connecting = wasConnecting;
   * </pre>
   * kept on the operand stack, so no local variable (and no frame) is added.
   */
  private static void enter(MethodVisitor code) {
    code.visitVarInsn(Opcodes.ALOAD, 0); // [this]                       for the final url store
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "connecting", "Z"); // [this, was]
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitInsn(Opcodes.ICONST_0);
    code.visitFieldInsn(Opcodes.PUTFIELD, CONNECTION, "connecting", "Z");
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "url", "Ljava/net/URL;");
    code.visitVarInsn(Opcodes.ALOAD, 0);
    code.visitFieldInsn(Opcodes.GETFIELD, CONNECTION, "connected", "Z"); // [this, was, this, url, connected]
    call(code, "urlConnecting", "(Ljava/lang/Object;Ljava/net/URL;Z)Ljava/net/URL;"); // [this, was, url']
    code.visitInsn(Opcodes.SWAP); // [this, url', was]
    code.visitVarInsn(Opcodes.ALOAD, 0); // [this, url', was, this]
    code.visitInsn(Opcodes.SWAP); // [this, url', this, was]
    code.visitFieldInsn(Opcodes.PUTFIELD, CONNECTION, "connecting", "Z"); // [this, url']
    code.visitFieldInsn(Opcodes.PUTFIELD, CONNECTION, "url", "Ljava/net/URL;"); // []
  }
}
