package io.inboard.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the processes of a benchmark and guarantees they stop: each one is destroyed on
 * {@link #close()} and by a shutdown hook, and its pid is appended to a file that {@code run.sh}'s
 * trap kills from in case this JVM itself is killed hard.
 */
public final class Launcher implements AutoCloseable {
  private final Path logDir;
  private final Path pidFile;
  private final List<Launched> started = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-benchmark-processes");

  public Launcher(Path logDir) {
    this.logDir = logDir;
    this.pidFile = logDir.resolve("pids");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logDir, e);
    }
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code command} with extra environment; output goes to {@code <logDir>/<role>.log}. */
  public synchronized Launched start(String role, int port, List<String> command, Map<String, String> env) {
    Path log = logDir.resolve(role.replaceAll("[^A-Za-z0-9_.-]", "-") + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(env);
    long t0 = System.nanoTime();
    try {
      Process process = builder.start();
      Launched launched = new Launched(role, process, port, log, t0);
      started.add(launched);
      Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return launched;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + role + ": " + String.join(" ", command), e);
    }
  }

  /** Stops one process (TERM, then KILL after five seconds). */
  public synchronized void stop(Launched launched) {
    stopOne(launched);
    started.remove(launched);
  }

  private static void stopOne(Launched launched) {
    Process process = launched.process();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      stopOne(started.get(i));
    }
    started.clear();
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing left to do
    }
  }

  /** A port free on 127.0.0.1 right now (the kernel's choice). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** The last lines of a process's log, for error messages. */
  public static String tail(Launched launched, int lines) {
    try {
      List<String> all = Files.readAllLines(launched.log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
