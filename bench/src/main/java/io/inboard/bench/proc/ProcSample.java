package io.inboard.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of one process read from {@code /proc}: {@code stat} fields 14 and 15 (user
 * and system time, in clock ticks) and {@code status} VmRSS and Threads. The kernel's own accounting,
 * the same for a JVM and for nginx. {@code compilerTicks} is the part of the CPU time spent by a JVM's
 * JIT compiler threads ({@code C1/C2 CompilerThread*}, from {@code task/*}/stat), 0 for other
 * programs: it shows how much of a figure is compilation still going on rather than requests.
 */
public record ProcSample(long pid, long cpuTicks, long compilerTicks, long rssKb, int threads) {
  /** Clock ticks per second (getconf CLK_TCK); 100 on every Linux this runs on. */
  public static final double TICKS_PER_SECOND = 100.0;

  public static ProcSample of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may contain spaces: count after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      long rss = 0;
      int threads = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.substring(8).trim());
        }
      }
      return new ProcSample(pid, ticks, compilerTicks(pid), rss, threads);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + " (has the process exited?): " + e, e);
    }
  }

  private static long compilerTicks(long pid) {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm")).trim();
          if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
          // The thread ended between listing and reading: it no longer counts.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks;
  }

  public double cpuSeconds() {
    return cpuTicks / TICKS_PER_SECOND;
  }

  public double rssMb() {
    return rssKb / 1024.0;
  }

  /** CPU seconds of JIT compiler threads between {@code earlier} and this sample. */
  public double compilerSecondsSince(ProcSample earlier) {
    return (compilerTicks - earlier.compilerTicks) / TICKS_PER_SECOND;
  }

  /** CPU seconds used between {@code earlier} and this sample. */
  public double cpuSecondsSince(ProcSample earlier) {
    return (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND;
  }
}
