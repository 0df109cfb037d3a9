package io.inboard.agent.instrument.executor;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.CarriedCallable;
import io.inboard.bridge.CarriedRunnable;
import java.util.Map;
import java.util.concurrent.Callable;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Carries the submitting thread's propagation context into tasks handed to the JDK's executors:
 * {@code ThreadPoolExecutor.execute}, {@code ScheduledThreadPoolExecutor.schedule*},
 * {@code ForkJoinPool.execute/submit} of a {@code Runnable} or {@code Callable}, and the
 * thread-per-task executor {@code CompletableFuture} falls back to on small machines.
 * {@code CompletableFuture.*Async} reaches one of these through {@code execute}.
 *
 * <p>The task is wrapped in a bridge class that restores the worker's previous context when the
 * task ends. Tasks submitted outside any request are not wrapped.
 */
public final class ExecutorInstrumentation implements InboardInstrumentation {
  @Override
  public String name() {
    return "executors";
  }

  @Override
  public Map<String, AgentBuilder.Transformer> types() {
    // Matchers are built inside the transformers: this map is made at premain, before Byte Buddy is.
    return Map.of(
        "java.util.concurrent.ThreadPoolExecutor",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(RunnableArgument.class).on(named("execute").and(runnableFirst()))),
        "java.util.concurrent.ScheduledThreadPoolExecutor",
            (b, type, loader, module, domain) ->
                b.visit(
                        Advice.to(RunnableArgument.class)
                            .on(
                                named("schedule")
                                    .or(named("scheduleAtFixedRate"))
                                    .or(named("scheduleWithFixedDelay"))
                                    .and(runnableFirst())))
                    .visit(Advice.to(CallableArgument.class).on(named("schedule").and(callableFirst()))),
        "java.util.concurrent.ForkJoinPool",
            (b, type, loader, module, domain) ->
                b.visit(
                        Advice.to(RunnableArgument.class)
                            .on(named("execute").or(named("submit")).and(runnableFirst())))
                    .visit(Advice.to(CallableArgument.class).on(named("submit").and(callableFirst()))),
        "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor",
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(RunnableArgument.class).on(named("execute").and(runnableFirst()))));
  }

  private static ElementMatcher.Junction<MethodDescription> runnableFirst() {
    return isPublic().and(takesArgument(0, Runnable.class));
  }

  private static ElementMatcher.Junction<MethodDescription> callableFirst() {
    return isPublic().and(takesArgument(0, Callable.class));
  }

  /** Replaces the task argument with one that carries the current context. */
  static final class RunnableArgument {
    private RunnableArgument() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedRunnable.wrap(task);
    }
  }

  /** The {@link Callable} counterpart of {@link RunnableArgument}. */
  static final class CallableArgument {
    private CallableArgument() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
      task = CarriedCallable.wrap(task);
    }
  }
}
