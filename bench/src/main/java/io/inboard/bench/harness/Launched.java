package io.inboard.bench.harness;

import io.inboard.bench.proc.ProcSample;
import java.nio.file.Path;

/**
 * A process the benchmark started: its role in the set-up (e.g. {@code frontend},
 * {@code sidecar user-v1 in}), the port it serves on, and where its output goes.
 */
public record Launched(String role, Process process, int port, Path log, long startedNanos) {
  public long pid() {
    return process.pid();
  }

  public ProcSample sample() {
    return ProcSample.of(pid());
  }

  public boolean alive() {
    return process.isAlive();
  }
}
