package io.inboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code inboardctl validate -f FILE...}. */
@Command(name = "validate", description = "Validate resource files offline.")
final class ValidateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("validate: being built");
  }
}
