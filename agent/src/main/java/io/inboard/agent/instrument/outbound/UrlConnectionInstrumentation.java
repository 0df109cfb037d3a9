package io.inboard.agent.instrument.outbound;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.Hooks;
import java.io.IOException;
import java.net.URL;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Routes {@code HttpURLConnection} calls. Every way of using a connection ({@code connect},
 * {@code getOutputStream}, {@code getInputStream}, {@code getResponseCode}) reaches
 * {@code plainConnect} before a socket is opened, on the application's thread and after the
 * application has set its headers: the advice points the connection's URL at the chosen instance
 * there, or fails the connect when the mesh refuses the call. The advice reads and writes the JDK
 * class's own fields ({@code url}, {@code connected}, {@code connecting}), present from Java 17 to 25.
 */
public final class UrlConnectionInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "httpurlconnection";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    return Map.of(
        "sun.net.www.protocol.http.HttpURLConnection",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(ConnectAdvice.class).on(named("plainConnect").and(takesArguments(0)))));
  }

  static final class ConnectAdvice {
    private ConnectAdvice() {}

    @Advice.OnMethodEnter(skipOn = IOException.class, suppress = Throwable.class)
    static Object enter(
        @Advice.This Object connection,
        @Advice.FieldValue(value = "url", readOnly = false) URL url,
        @Advice.FieldValue("connected") boolean connected,
        @Advice.FieldValue(value = "connecting", readOnly = false) boolean connecting) {
      if (connected) {
        return null;
      }
      // getInputStream/getOutputStream mark the connection "connecting" before they connect, which
      // forbids setting request headers; nothing has been sent yet, so the hook may still set them.
      boolean wasConnecting = connecting;
      connecting = false;
      Object routed = Hooks.outbound().urlConnecting(connection, url);
      connecting = wasConnecting;
      if (routed instanceof URL) {
        url = (URL) routed;
      }
      return routed;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object routed, @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (routed instanceof IOException) {
        thrown = (IOException) routed;
      }
    }
  }
}
