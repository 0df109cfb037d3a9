package io.inboard.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcSampleTest {
  @Test
  void readsCpuTimeMemoryAndThreadsOfALiveProcess() {
    long pid = ProcessHandle.current().pid();
    ProcSample before = ProcSample.of(pid);
    // Burn 300 ms of this thread's own CPU time (not wall time: the machine may be busy).
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long end = threads.getCurrentThreadCpuTime() + 300_000_000L;
    long x = 0;
    while (threads.getCurrentThreadCpuTime() < end) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    ProcSample after = ProcSample.of(pid);

    assertThat(x).isNotNegative();
    assertThat(after.cpuSecondsSince(before)).as("a 300 ms busy loop is counted").isGreaterThan(0.2);
    assertThat(after.rssMb()).isGreaterThan(10);
    assertThat(after.threads()).isGreaterThan(1);
  }

  @Test
  void namesTheProcessThatCannotBeRead() {
    assertThatThrownBy(() -> ProcSample.of(Integer.MAX_VALUE)).hasMessageContaining("/proc/" + Integer.MAX_VALUE);
  }
}
