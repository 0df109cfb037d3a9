package io.inboard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The transformer premain registers while Byte Buddy is prepared on its own thread: which class
 * loads wait, which pass at once, what happens to types loaded before it was ready, and failures.
 * The JVM's {@link Instrumentation} is stood in for by a recording proxy; the forked-JVM tests in
 * agent-it show the same with the real one.
 */
class DeferredTransformerTest {
  private static final byte[] ORIGINAL = {1, 2, 3};
  private static final byte[] CHANGED = {4, 5, 6};

  /** A type the agent changes, already loaded when Byte Buddy becomes ready. */
  static final class Target {}

  private final List<Class<?>> retransformed = new CopyOnWriteArrayList<>();
  private final Map<String, Throwable> failures = new ConcurrentHashMap<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  private final ClassFileTransformer byteBuddy =
      new ClassFileTransformer() {
        @Override
        public byte[] transform(
            Module module, ClassLoader loader, String name, Class<?> redefined, java.security.ProtectionDomain pd, byte[] bytes) {
          return CHANGED;
        }
      };

  private DeferredTransformer install(Supplier<ClassFileTransformer> prepare) {
    Instrumentation instrumentation =
        (Instrumentation)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "addTransformer" -> null;
                      case "getAllLoadedClasses" -> new Class<?>[] {String.class, Target.class, List.class};
                      case "isModifiableClass" -> true;
                      case "retransformClasses" -> {
                        for (Object c : (Object[]) args[0]) {
                          retransformed.add((Class<?>) c);
                        }
                        yield null;
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return DeferredTransformer.install(
        instrumentation,
        Set.of(Target.class.getName(), "org.example.Client"),
        prepare,
        failures::put,
        done::countDown);
  }

  private Supplier<ClassFileTransformer> byteBuddyOnceReleased() {
    return () -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return byteBuddy;
    };
  }

  private static CompletableFuture<byte[]> load(DeferredTransformer transformer, String internalName) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return transformer.transform(null, null, internalName, null, null, ORIGINAL);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void otherClassesLoadAtOnceWhileByteBuddyIsStillBeingPrepared() {
    DeferredTransformer transformer = install(byteBuddyOnceReleased());
    // Were unrelated classes gated, this would wait the full ten seconds.
    CompletableFuture<byte[]> other = load(transformer, "org/example/Unrelated");
    await().atMost(Duration.ofSeconds(5)).until(other::isDone);
    assertThat(other.join()).isNull();
    assertThat(release.getCount()).as("Byte Buddy still not ready").isEqualTo(1);
    release.countDown();
  }

  @Test
  void aChangedTypeWaitsForByteBuddyAndIsChangedByIt() throws Exception {
    DeferredTransformer transformer = install(byteBuddyOnceReleased());
    CompletableFuture<byte[]> client = load(transformer, "org/example/Client");
    TimeUnit.MILLISECONDS.sleep(300);
    assertThat(client).as("waits while Byte Buddy is prepared").isNotDone();
    release.countDown();
    assertThat(client.get(10, TimeUnit.SECONDS)).isEqualTo(CHANGED);
    assertThat(failures).isEmpty();
  }

  @Test
  void typesLoadedBeforeByteBuddyWasReadyAreRetransformed() throws Exception {
    install(() -> byteBuddy);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(retransformed).containsExactly(Target.class);
  }

  @Test
  void whenByteBuddyCannotBePreparedClassesLoadUnchangedAndTheFailureIsReported() throws Exception {
    DeferredTransformer transformer =
        install(
            () -> {
              throw new IllegalStateException("no Byte Buddy today");
            });
    assertThat(transformer.awaitReady(10, TimeUnit.SECONDS)).isTrue();
    assertThat(load(transformer, "org/example/Client").get(10, TimeUnit.SECONDS)).isNull();
    assertThat(failures).containsOnlyKeys("instrumentation");
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(retransformed).isEmpty();
  }

  @Test
  void aTransformationThatThrowsLeavesTheClassUnchanged() throws Exception {
    DeferredTransformer transformer =
        install(
            () ->
                new ClassFileTransformer() {
                  @Override
                  public byte[] transform(
                      Module module, ClassLoader loader, String name, Class<?> redefined, java.security.ProtectionDomain pd, byte[] bytes) {
                    throw new IllegalStateException("broken advice");
                  }
                });
    assertThat(transformer.awaitReady(10, TimeUnit.SECONDS)).isTrue();
    assertThat(load(transformer, "org/example/Client").get(10, TimeUnit.SECONDS)).isNull();
    assertThat(failures).containsKey("instrument org.example.Client");
  }
}
