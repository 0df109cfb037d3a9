package io.inboard.agent.instrument.executor;

import static io.inboard.agent.weave.MethodAdvice.on;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.agent.weave.MethodAdvice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Carries the submitting thread's propagation context into tasks handed to the JDK's executors:
 * {@code ThreadPoolExecutor.execute}, {@code ScheduledThreadPoolExecutor.schedule*},
 * {@code ForkJoinPool.execute/submit} of a {@code Runnable} or {@code Callable}, and the
 * thread-per-task executor {@code CompletableFuture} falls back to on small machines.
 * {@code CompletableFuture.*Async} reaches one of these through {@code execute}.
 *
 * <p>The task argument is replaced, on entry, by a bridge class that restores the worker's previous
 * context when the task ends ({@code CarriedRunnable.wrap}, {@code CarriedCallable.wrap}, which
 * return the task itself outside any request).
 */
public final class ExecutorInstrumentation implements InboardInstrumentation {
  private static final String RUNNABLE_FIRST = "(Ljava/lang/Runnable;";
  private static final String CALLABLE_FIRST = "(Ljava/util/concurrent/Callable;";

  @Override
  public String name() {
    return "executors";
  }

  @Override
  public Map<String, List<MethodAdvice>> types() {
    return Map.of(
        "java.util.concurrent.ThreadPoolExecutor",
        List.of(runnable(Set.of("execute"))),
        "java.util.concurrent.ScheduledThreadPoolExecutor",
        List.of(
            runnable(Set.of("schedule", "scheduleAtFixedRate", "scheduleWithFixedDelay")),
            callable(Set.of("schedule"))),
        "java.util.concurrent.ForkJoinPool",
        List.of(runnable(Set.of("execute", "submit")), callable(Set.of("submit"))),
        "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor",
        List.of(runnable(Set.of("execute"))));
  }

  private static MethodAdvice runnable(Set<String> methods) {
    return on(methods, RUNNABLE_FIRST)
        .publicOnly()
        .onEnter(wrapFirstArgument("io/inboard/bridge/CarriedRunnable", "(Ljava/lang/Runnable;)Ljava/lang/Runnable;"))
        .enterOnly();
  }

  private static MethodAdvice callable(Set<String> methods) {
    return on(methods, CALLABLE_FIRST)
        .publicOnly()
        .onEnter(
            wrapFirstArgument(
                "io/inboard/bridge/CarriedCallable",
                "(Ljava/util/concurrent/Callable;)Ljava/util/concurrent/Callable;"))
        .enterOnly();
  }

  /** {@code task = Carrier.wrap(task)} for the first parameter. */
  private static Consumer<MethodVisitor> wrapFirstArgument(String carrier, String descriptor) {
    return code -> {
      code.visitVarInsn(Opcodes.ALOAD, 1);
      code.visitMethodInsn(Opcodes.INVOKESTATIC, carrier, "wrap", descriptor, false);
      code.visitVarInsn(Opcodes.ASTORE, 1);
    };
  }
}
