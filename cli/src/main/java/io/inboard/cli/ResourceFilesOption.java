package io.inboard.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -f FILE...} option of the commands that send files to the config server. */
final class ResourceFilesOption {
  @Option(names = {"-f", "--filename"}, required = true, arity = "1..*", paramLabel = "FILE",
      description = "YAML or JSON file (a directory: its *.yaml, *.yml, *.json; '-': standard input).")
  List<String> files;

  /** The files read and parsed as {@code validate} reads them. */
  ResourceFiles.Loaded load() throws IOException {
    return ResourceFiles.parse(ResourceFiles.readAll(files, true));
  }
}
