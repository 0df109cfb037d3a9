package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.instrument.outbound.RetryFixture.istioDefault;
import static io.inboard.agent.instrument.outbound.RetryFixture.routeTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.agent.loader.ClassInjector;
import io.inboard.agent.testing.IsolatedLoader;
import io.inboard.core.mesh.Instance;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OkHttp loaded by a class loader of the application's own, which the agent's classes cannot see:
 * the hooks (called here as the woven OkHttp calls them) define the agent's OkHttp classes in that
 * loader, which route its calls through the one shared runtime; and the loader, once dropped, is
 * collected with them.
 */
class OkHttpInIsolatedLoaderTest {
  private final RetryFixture mesh = new RetryFixture();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static IsolatedLoader okhttpOfItsOwn() throws Exception {
    return IsolatedLoader.of(
        List.of(OkHttpClient.class, okio.Buffer.class, kotlin.Unit.class), List.of("okhttp3.", "okio.", "kotlin."));
  }

  private static ClassInjector injector() throws ReflectiveOperationException {
    Method define = ClassLoader.class.getDeclaredMethod(
        "defineClass", String.class, byte[].class, int.class, int.class, ProtectionDomain.class);
    define.setAccessible(true);
    return new ClassInjector(OkHttpInIsolatedLoaderTest.class.getClassLoader(), define);
  }

  private static Object call(Object target, String method, Object... arguments) throws ReflectiveOperationException {
    for (Method each : target.getClass().getMethods()) {
      if (each.getName().equals(method) && accepts(each, arguments)) {
        return each.invoke(target, arguments);
      }
    }
    throw new NoSuchMethodException(method);
  }

  private static boolean accepts(Method method, Object[] arguments) {
    Class<?>[] parameters = method.getParameterTypes();
    if (parameters.length != arguments.length) {
      return false;
    }
    for (int i = 0; i < parameters.length; i++) {
      if (!parameters[i].isInstance(arguments[i])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aClientOfTheApplicationsOwnOkHttpIsRoutedByTheSharedRuntime() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    Instance user = mesh.server("user-b", 200, 0, hits);
    ScriptedRouting routing = new ScriptedRouting(routeTo(user, istioDefault(), null));
    AgentOutboundHook hook = new AgentOutboundHook(routing, injector());
    try (IsolatedLoader loader = okhttpOfItsOwn()) {
      Object builder = loader.loadClass("okhttp3.OkHttpClient$Builder").getConstructor().newInstance();
      assertThat(builder.getClass()).isNotSameAs(OkHttpClient.Builder.class);

      hook.okHttpClientBuilding(builder); // what the woven OkHttpClient(Builder) does
      List<?> interceptors = (List<?>) call(builder, "interceptors");
      assertThat(interceptors).hasSize(1);
      Class<?> interceptor = interceptors.get(0).getClass();
      assertThat(interceptor.getName()).isEqualTo(InboardInterceptor.class.getName());
      assertThat(interceptor.getClassLoader()).as("a copy defined in OkHttp's loader").isSameAs(loader);
      assertThat(loader.loadClass(MeshCalls.class.getName())).as("the runtime stays shared").isSameAs(MeshCalls.class);

      Object client = call(builder, "build");
      Object request = call(call(loader.loadClass("okhttp3.Request$Builder").getConstructor().newInstance(),
          "url", "http://user/list"), "build");
      request = hook.okHttpNewCall(request); // what the woven newCall does
      Object response = call(call(client, "newCall", request), "execute");
      try {
        assertThat(call(response, "code")).isEqualTo(200);
        assertThat(call(call(response, "body"), "string")).isEqualTo("user-b");
      } finally {
        call(response, "close");
      }
      assertThat(hits).hasValue(1);
      assertThat(routing.recorded).containsExactly("user-b 200");

      // A second client of the same loader gets the copy already there.
      Object second = loader.loadClass("okhttp3.OkHttpClient$Builder").getConstructor().newInstance();
      hook.okHttpClientBuilding(second);
      assertThat(((List<?>) call(second, "interceptors")).get(0).getClass()).isSameAs(interceptor);
      call(call(call(client, "dispatcher"), "executorService"), "shutdown");
      call(call(client, "connectionPool"), "evictAll");
    }
  }

  @Test
  void anApplicationsOkHttpOnTheAgentsOwnClassPathUsesTheAgentsOwnClasses() throws Exception {
    ScriptedRouting routing = new ScriptedRouting(routeTo(mesh.server("user-b", 200, 0, new AtomicInteger()),
        istioDefault(), null));
    AgentOutboundHook hook = new AgentOutboundHook(routing, injector());
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    hook.okHttpClientBuilding(builder);
    assertThat(builder.interceptors()).singleElement().isInstanceOf(InboardInterceptor.class);
    assertThat(routing.recorded).isEmpty();
  }

  @Test
  void aDroppedLoaderIsCollectedWithTheClassesDefinedInIt() throws Exception {
    ScriptedRouting routing = new ScriptedRouting(routeTo(RetryFixture.closedPort("none"), istioDefault(), null));
    AgentOutboundHook hook = new AgentOutboundHook(routing, injector());
    WeakReference<ClassLoader> dropped = routedOnce(hook);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      System.gc();
      return dropped.get() == null;
    });
    assertThat(routing.recorded).as("no failure recorded").isEmpty();
  }

  /** A loader whose OkHttp got the agent's classes, then dropped: only a weak reference is kept. */
  private static WeakReference<ClassLoader> routedOnce(AgentOutboundHook hook) throws Exception {
    IsolatedLoader loader = okhttpOfItsOwn();
    Object builder = loader.loadClass("okhttp3.OkHttpClient$Builder").getConstructor().newInstance();
    hook.okHttpClientBuilding(builder);
    Object request = call(call(loader.loadClass("okhttp3.Request$Builder").getConstructor().newInstance(),
        "url", "http://user/list"), "build");
    hook.okHttpNewCall(request);
    assertThat(((List<?>) call(builder, "interceptors")).get(0).getClass().getClassLoader()).isSameAs(loader);
    loader.close();
    return new WeakReference<>(loader);
  }
}
