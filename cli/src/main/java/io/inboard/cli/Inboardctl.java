package io.inboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code inboardctl}: validate, explain and manage Inboard's Istio resources. */
@Command(
    name = "inboardctl",
    mixinStandardHelpOptions = true,
    version = "inboardctl 0.1.0",
    description = "Validate, explain and manage Inboard's Istio traffic rules.",
    subcommands = {
      ValidateCommand.class,
      ExplainCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      DiffCommand.class,
      InstancesCommand.class
    })
public final class Inboardctl implements Runnable {
  /** Exit code for bad usage or unreadable input. */
  static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, so tests can call it in-process. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Inboardctl());
    cl.setExitCodeExceptionMapper(e -> EXIT_USAGE);
    return cl.execute(args);
  }
}
