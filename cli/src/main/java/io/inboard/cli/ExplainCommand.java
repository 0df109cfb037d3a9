package io.inboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code inboardctl explain}: decide a described request. */
@Command(name = "explain", description = "Decide a request and explain the decision.")
final class ExplainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("explain: being built");
  }
}
