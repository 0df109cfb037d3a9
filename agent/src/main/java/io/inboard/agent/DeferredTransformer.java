package io.inboard.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Lets the application start while Byte Buddy is being prepared. Loading and linking Byte Buddy
 * takes most of a second of CPU; done in premain, all of it is added to the application's start.
 * Instead, premain registers this transformer, which knows only the names of the types the agent
 * changes, and Byte Buddy's transformer is built on a thread of its own. Any other class loads at
 * the cost of a set look-up. A type the agent changes that loads before Byte Buddy is ready waits
 * for it — by then the application has usually done much of its own start on the other core.
 * Types already loaded when Byte Buddy is ready (the JDK's executors, say) are retransformed.
 *
 * <p>Fail open: if Byte Buddy cannot be prepared, or a class waits longer than
 * {@link #WAIT_MILLIS}, the class loads as it is; one that loaded unchanged while waiting is
 * retransformed once Byte Buddy is ready.
 */
final class DeferredTransformer implements ClassFileTransformer {
  /** How long a class load of a changed type waits for Byte Buddy. */
  static final long WAIT_MILLIS = 10_000;

  private final Set<String> internalNames;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final BiConsumer<String, Throwable> failures;
  private volatile ClassFileTransformer delegate;
  private volatile Thread preparer;

  private DeferredTransformer(Set<String> typeNames, BiConsumer<String, Throwable> failures) {
    this.internalNames = Set.copyOf(typeNames.stream().map(n -> n.replace('.', '/')).toList());
    this.failures = failures;
  }

  /**
   * Registers the transformer for {@code typeNames} and starts preparing Byte Buddy's with
   * {@code prepare} on a daemon thread; returns at once. {@code done} is told how it went.
   */
  static DeferredTransformer install(
      Instrumentation instrumentation,
      Set<String> typeNames,
      Supplier<ClassFileTransformer> prepare,
      BiConsumer<String, Throwable> failures,
      Runnable done) {
    DeferredTransformer transformer = new DeferredTransformer(typeNames, failures);
    instrumentation.addTransformer(transformer, true);
    Thread thread =
        new Thread(() -> transformer.prepare(instrumentation, prepare, done), "inboard-instrumentation");
    thread.setDaemon(true);
    transformer.preparer = thread;
    thread.start();
    return transformer;
  }

  /** Whether Byte Buddy's transformer is in place (or its preparation is over, failed or not). */
  boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  private void prepare(Instrumentation instrumentation, Supplier<ClassFileTransformer> prepare, Runnable done) {
    try {
      delegate = prepare.get();
    } catch (Throwable t) {
      failures.accept("instrumentation", t);
    } finally {
      ready.countDown();
    }
    if (delegate != null) {
      retransformLoaded(instrumentation);
    }
    done.run();
  }

  /** Types loaded before Byte Buddy was ready, or before premain ran: change them now. */
  private void retransformLoaded(Instrumentation instrumentation) {
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      String name = type.getName().replace('.', '/');
      if (!internalNames.contains(name) || !instrumentation.isModifiableClass(type)) {
        continue;
      }
      try {
        // One at a time: a type that cannot be changed must not keep the others unchanged.
        instrumentation.retransformClasses(type);
      } catch (Throwable t) {
        failures.accept("instrument " + type.getName(), t);
      }
    }
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer)
      throws IllegalClassFormatException {
    if (className == null || !internalNames.contains(className)) {
      return null;
    }
    ClassFileTransformer d = delegate;
    if (d == null) {
      if (Thread.currentThread() == preparer) {
        return null; // Byte Buddy's own start touched the type; retransformed once ready
      }
      try {
        if (!ready.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          return null; // loads unchanged; retransformed once ready
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      d = delegate;
      if (d == null) {
        return null; // preparation failed (reported once)
      }
    }
    try {
      return d.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      failures.accept("instrument " + className.replace('/', '.'), t);
      return null;
    }
  }
}
