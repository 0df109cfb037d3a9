package io.inboard.bench.jmh;

import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What carrying a request's propagation context onto another thread costs: capturing and wrapping a
 * task, and running it with the context attached (what the agent adds to every executor submit), in
 * isolation and across a real thread-pool hand-off next to the same hand-off without it.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextHandOffBenchmark {
  private PropagationContext context;
  private ExecutorService pool;
  private Scope requestScope;

  @Setup(Level.Trial)
  public void setUp() {
    context = PropagationContext.of(Map.of(
        "x-request-id", List.of("6c1a4f1e-2d7b-4c39-9a55-0c7f3b1d2e44"),
        "my-header", List.of("alice"),
        "traceparent", List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    // The benchmark thread plays a request thread: the context is current while it submits work.
    requestScope = PropagationContext.attach(context);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    requestScope.close();
    pool.shutdownNow();
  }

  /** Wrap a task and run it on the same thread: the context's own cost, no hand-off. */
  @Benchmark
  public void wrap_and_run_inline(Blackhole bh) {
    PropagationContext.wrap(() -> bh.consume(PropagationContext.current())).run();
  }

  /** A plain hand-off to a one-thread pool and back, without propagation: the baseline. */
  @Benchmark
  public Object hand_off_plain() throws ExecutionException, InterruptedException {
    return pool.submit(() -> "done").get();
  }

  /** The same hand-off with the task wrapped, the worker reading the propagated header. */
  @Benchmark
  public Object hand_off_with_context() throws ExecutionException, InterruptedException {
    return pool.submit(PropagationContext.wrap(() -> PropagationContext.current().get("my-header"))).get();
  }
}
