package io.inboard.agent.runtime;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's log: java.util.logging, logger {@code io.inboard.agent}. Setting java.util.logging up
 * (the log manager, its configuration, the formatter's dates and locales) costs about a tenth of a
 * second, so the logger is only created when the first message is logged, and what the agent has to
 * say while premain runs is logged from a daemon thread ({@link #soon}) so that the application's
 * start does not pay for it.
 */
final class AgentLog {
  private AgentLog() {}

  private static final class Holder {
    static final Logger LOGGER = Logger.getLogger("io.inboard.agent");
  }

  // The source is named, not inferred: inferring it walks the stack, and would name this class.
  static void log(Level level, String message) {
    Holder.LOGGER.logp(level, "io.inboard.agent", "", message);
  }

  static void log(Level level, String message, Throwable error) {
    Holder.LOGGER.logp(level, "io.inboard.agent", "", message, error);
  }

  static void info(String message) {
    log(Level.INFO, message);
  }

  static void warning(String message) {
    log(Level.WARNING, message);
  }

  static void fine(String message) {
    if (Holder.LOGGER.isLoggable(Level.FINE)) {
      log(Level.FINE, message);
    }
  }

  /** Logs from a daemon thread: for messages that arise on the application's start-up path. */
  static void soon(Level level, String message) {
    new InboardThread(() -> log(level, message), "inboard-log").start();
  }
}
