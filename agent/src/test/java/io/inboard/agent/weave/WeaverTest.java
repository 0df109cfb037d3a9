package io.inboard.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.instrument.Instrumentations;
import io.inboard.agent.instrument.outbound.JdkHttpClientInstrumentation;
import io.inboard.agent.instrument.outbound.UrlConnectionInstrumentation;
import io.inboard.bridge.Hooks;
import io.inboard.bridge.InboundHook;
import io.inboard.bridge.OutboundHook;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The weaver on real class files: every instrumentation finds the methods it advises in the
 * classes of this JDK and of the library versions the agent is built against; and woven code, run
 * in stand-in classes of the same shape, calls the hooks, passes their answers on, survives hooks
 * that throw, and verifies (including the one branch with its stack map frame).
 */
class WeaverTest {
  private final List<String> failures = new ArrayList<>();

  @AfterEach
  void uninstallHooks() {
    Hooks.install(null, null);
  }

  private static byte[] classFile(String binaryName) throws IOException {
    String resource = binaryName.replace('.', '/') + ".class";
    InputStream in =
        binaryName.startsWith("jdk.internal.net.http.")
            ? HttpClient.class.getModule().getResourceAsStream(resource)
            : ClassLoader.getSystemResourceAsStream(resource);
    InputStream found = in != null ? in : Object.class.getModule().getResourceAsStream(resource);
    assertThat(found).as("class file of %s", binaryName).isNotNull();
    try (found) {
      return found.readAllBytes();
    }
  }

  @Test
  void everyInstrumentationFindsItsMethodsInTheRealClasses() throws Exception {
    for (InboardInstrumentation each : Instrumentations.ALL) {
      for (Map.Entry<String, List<MethodAdvice>> type : each.types().entrySet()) {
        byte[] original = classFile(type.getKey());
        org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(original);
        AdvisedClass advised = new AdvisedClass(new org.objectweb.asm.ClassWriter(reader, 0), type.getValue());
        reader.accept(advised, 0);
        assertThat(advised.advised())
            .as("methods of %s advised by %s", type.getKey(), each.name())
            .isGreaterThanOrEqualTo(type.getValue().size());
      }
    }
  }

  @Test
  void aTypeWithoutAnyMatchingMethodIsLeftAloneAndReported() throws Exception {
    Weaver weaver =
        new Weaver(
            Map.of(Fixtures.Connector.class.getName(), List.of(MethodAdvice.on("close", "()V").onReturn(c -> {}))),
            (where, error) -> failures.add(where + ": " + error.getMessage()),
            name -> {});
    String internal = Fixtures.Connector.class.getName().replace('.', '/');
    assertThat(weaver.transform(null, null, internal, null, null, classFile(Fixtures.Connector.class.getName())))
        .isNull();
    assertThat(failures).singleElement().asString().contains("left unchanged");
    assertThat(weaver.transform(null, null, "some/Other", null, null, new byte[] {1})).isNull();
  }

  @Test
  void exitAdviceCallsTheHookAndAThrowingHookDoesNotReachTheApplication() throws Exception {
    List<Object> started = new ArrayList<>();
    Hooks.install(
        null,
        new InboundHook() {
          @Override
          public void connectorStarted(Object connector) {
            started.add(connector);
            throw new IllegalStateException("hook failure");
          }
        });
    Class<?> woven =
        Fixtures.load(
            Fixtures.Connector.class,
            List.of(MethodAdvice.on("open", "()V").onReturn(MethodAdvice.passThis("connectorStarted"))));
    Object connector = woven.getDeclaredConstructor().newInstance();
    woven.getMethod("open").invoke(connector);
    assertThat(started).containsExactly(connector);
    assertThat(woven.getField("opened").getBoolean(connector)).isTrue();
  }

  /** A stand-in of the JDK's HttpURLConnection, woven with the agent's connect-failure handler. */
  private static Object dialer(int refusals) throws Exception {
    String owner = Fixtures.Dialer.class.getName().replace('.', '/');
    Class<?> woven = Fixtures.load(
        Fixtures.Dialer.class,
        List.of(MethodAdvice.on("plainConnect", "()V")
            .onThrow("java/io/IOException", UrlConnectionInstrumentation.connectAgain(owner))));
    Object dialer = woven.getDeclaredConstructor().newInstance();
    woven.getField("refusals").setInt(dialer, refusals);
    return dialer;
  }

  private static Throwable plainConnect(Object dialer) {
    return thrownBy(dialer, "plainConnect");
  }

  /** What {@code target.method()} throws, or {@code null}. */
  private static Throwable thrownBy(Object target, String method) {
    return org.assertj.core.api.Assertions.catchThrowable(() -> {
      try {
        target.getClass().getMethod(method).invoke(target);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  private static int field(Object dialer, String name) throws Exception {
    return dialer.getClass().getField(name).getInt(dialer);
  }

  @Test
  void aFailedConnectTheHookRetriesConnectsAgainAfterTheMethodsOwnFinally() throws Exception {
    List<String> failures = new ArrayList<>();
    Hooks.install(
        new OutboundHook() {
          @Override
          public boolean urlConnectFailed(Object connection, Throwable failure) {
            failures.add(failure.getMessage());
            return failures.size() < 3;
          }
        },
        null);

    Object twice = dialer(2);
    assertThat(plainConnect(twice)).as("connected on the third dial").isNull();
    assertThat(field(twice, "dials")).isEqualTo(3);
    assertThat(field(twice, "unlocks")).as("its finally ran each time").isEqualTo(3);

    failures.clear();
    Object always = dialer(10);
    assertThat(plainConnect(always)).as("the last try's failure, once the hook stops")
        .isInstanceOf(java.net.ConnectException.class).hasMessage("Connection refused (3)");
    assertThat(failures).containsExactly("Connection refused (1)", "Connection refused (2)", "Connection refused (3)");
  }

  /** A stand-in of the JDK's getInputStream0, woven as the agent weaves it: the status on return, the end where it throws. */
  private static Object exchange(String failure) throws Exception {
    Class<?> woven = Fixtures.load(
        Fixtures.Exchange.class,
        List.of(MethodAdvice.on("getInputStream0", "()Ljava/io/InputStream;")
            .beforeReturn(code -> {
              code.visitVarInsn(org.objectweb.asm.Opcodes.ALOAD, 0);
              code.visitVarInsn(org.objectweb.asm.Opcodes.ALOAD, 0);
              code.visitFieldInsn(org.objectweb.asm.Opcodes.GETFIELD,
                  Fixtures.Exchange.class.getName().replace('.', '/'), "responseCode", "I");
              MethodAdvice.call(code, "urlResponded", "(Ljava/lang/Object;I)V");
            })
            .onThrow("java/lang/Throwable", UrlConnectionInstrumentation.ended())));
    Object exchange = woven.getDeclaredConstructor().newInstance();
    woven.getField("failure").set(exchange, failure);
    return exchange;
  }

  private static Throwable read(Object exchange) {
    return thrownBy(exchange, "getInputStream0");
  }

  @Test
  void aMethodWovenOnReturnAndOnThrowReportsEitherAndTheApplicationGetsItsOwnOutcome() throws Exception {
    List<String> seen = new ArrayList<>();
    Hooks.install(
        new OutboundHook() {
          @Override
          public void urlResponded(Object connection, int status) {
            seen.add("responded " + status);
          }

          @Override
          public void urlEnded(Object connection) {
            seen.add("ended");
            throw new IllegalStateException("hook failure");
          }
        },
        null);

    Object answered = exchange(null);
    assertThat(read(answered)).isNull();
    Object timedOut = exchange("io");
    assertThat(read(timedOut)).as("the method's own exception, despite the hook's")
        .isInstanceOf(java.net.SocketTimeoutException.class).hasMessage("Read timed out");
    Object broken = exchange("runtime");
    assertThat(read(broken)).isInstanceOf(IllegalStateException.class).hasMessage("broken");

    assertThat(seen).containsExactly("responded 200", "ended", "ended");
    for (Object each : List.of(answered, timedOut, broken)) {
      assertThat(field(each, "finallies")).as("its finally ran once").isEqualTo(1);
    }
  }

  @Test
  void aFailedConnectReachesTheApplicationUnchangedWithoutAHookOrWhenItThrows() throws Exception {
    Object plain = dialer(1);
    assertThat(plainConnect(plain)).hasMessage("Connection refused (1)");

    Hooks.install(
        new OutboundHook() {
          @Override
          public boolean urlConnectFailed(Object connection, Throwable failure) {
            throw new IllegalStateException("hook failure");
          }
        },
        null);
    Object failing = dialer(1);
    assertThat(plainConnect(failing)).isInstanceOf(java.net.ConnectException.class).hasMessage("Connection refused (1)");
    assertThat(field(failing, "dials")).isEqualTo(1);
  }

  @Test
  void jdkClientAdviceSwapsTheRequestAndWrapsTheFuture() throws Exception {
    HttpRequest routed = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/routed")).build();
    CompletableFuture<Object> wrapped = new CompletableFuture<>();
    List<Object> sentWith = new ArrayList<>();
    Hooks.install(
        new OutboundHook() {
          @Override
          public Object jdkHttpRequest(Object request) {
            return routed;
          }

          @Override
          public Object jdkHttpSent(Object token, Object future) {
            sentWith.add(token);
            return wrapped;
          }
        },
        null);
    Object client = newJdkClientStandIn();
    Object result = sendAsync(client, HttpRequest.newBuilder(URI.create("http://user/list")).build());
    assertThat(client.getClass().getField("sent").get(client)).isSameAs(routed);
    assertThat(sentWith).containsExactly(routed);
    assertThat(result).isSameAs(wrapped);
  }

  @Test
  void jdkClientAdviceAnswersARefusedCallWithAFailedFutureAndSendsNothing() throws Exception {
    IOException refusal = new IOException("user: no healthy instance of subset v3 (503)");
    Hooks.install(
        new OutboundHook() {
          @Override
          public Object jdkHttpRequest(Object request) {
            return refusal;
          }

          @Override
          public Object jdkHttpSent(Object token, Object future) {
            return CompletableFuture.failedFuture((IOException) token);
          }
        },
        null);
    Object client = newJdkClientStandIn();
    Object result = sendAsync(client, HttpRequest.newBuilder(URI.create("http://user/list")).build());
    assertThat(client.getClass().getField("sent").get(client)).isNull();
    assertThat(result).isInstanceOf(CompletableFuture.class);
    assertThatThrownBy(() -> ((CompletableFuture<?>) result).get())
        .isInstanceOf(ExecutionException.class)
        .hasCause(refusal);
  }

  @Test
  void jdkClientAdviceLeavesTheCallAloneWhenTheHookThrows() throws Exception {
    Hooks.install(
        new OutboundHook() {
          @Override
          public Object jdkHttpRequest(Object request) {
            throw new IllegalStateException("hook failure");
          }

          @Override
          public Object jdkHttpSent(Object token, Object future) {
            throw new IllegalStateException("hook failure");
          }
        },
        null);
    Object client = newJdkClientStandIn();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://user/list")).build();
    Object result = sendAsync(client, request);
    assertThat(client.getClass().getField("sent").get(client)).isSameAs(request);
    assertThat(result).isSameAs(client.getClass().getField("future").get(client));
  }

  private static Object newJdkClientStandIn() throws Exception {
    List<MethodAdvice> advice = new JdkHttpClientInstrumentation().types().get("jdk.internal.net.http.HttpClientImpl");
    return Fixtures.load(Fixtures.JdkClient.class, advice).getDeclaredConstructor().newInstance();
  }

  private static Object sendAsync(Object client, HttpRequest request) throws Exception {
    java.lang.reflect.Method send =
        client
            .getClass()
            .getDeclaredMethod(
                "sendAsync",
                HttpRequest.class,
                HttpResponse.BodyHandler.class,
                HttpResponse.PushPromiseHandler.class,
                Executor.class);
    send.setAccessible(true);
    return send.invoke(client, request, HttpResponse.BodyHandlers.discarding(), null, null);
  }
}
