package io.inboard.agent.runtime;

/**
 * A thread of the agent's own (control plane, admin endpoint). HTTP calls made on it are Inboard's,
 * not the application's: they never wait for the first snapshot and are never routed.
 */
final class InboardThread extends Thread {
  InboardThread(Runnable task, String name) {
    super(task, name);
    setDaemon(true);
  }

  static boolean isCurrent() {
    return Thread.currentThread() instanceof InboardThread;
  }
}
