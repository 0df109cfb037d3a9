package io.inboard.agent.instrument.executor;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import io.inboard.agent.instrument.InboardInstrumentation;
import io.inboard.bridge.CarriedCallable;
import io.inboard.bridge.CarriedRunnable;
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
  public AgentBuilder extend(AgentBuilder builder) {
    ElementMatcher.Junction<MethodDescription> runnableFirst =
        isPublic().and(takesArgument(0, Runnable.class));
    ElementMatcher.Junction<MethodDescription> callableFirst =
        isPublic().and(takesArgument(0, Callable.class));
    return builder
        .type(named("java.util.concurrent.ThreadPoolExecutor"))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(RunnableArgument.class).on(named("execute").and(runnableFirst))))
        .type(named("java.util.concurrent.ScheduledThreadPoolExecutor"))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(
                        Advice.to(RunnableArgument.class)
                            .on(
                                named("schedule")
                                    .or(named("scheduleAtFixedRate"))
                                    .or(named("scheduleWithFixedDelay"))
                                    .and(runnableFirst)))
                    .visit(Advice.to(CallableArgument.class).on(named("schedule").and(callableFirst))))
        .type(named("java.util.concurrent.ForkJoinPool"))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(
                        Advice.to(RunnableArgument.class)
                            .on(named("execute").or(named("submit")).and(runnableFirst)))
                    .visit(Advice.to(CallableArgument.class).on(named("submit").and(callableFirst))))
        .type(named("java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor"))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(Advice.to(RunnableArgument.class).on(named("execute").and(runnableFirst))));
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
