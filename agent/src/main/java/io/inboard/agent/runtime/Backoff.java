package io.inboard.agent.runtime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with "equal jitter" (half fixed, half random), so that many agents losing
 * the same server do not come back in lock-step.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long current;

  Backoff(long initialMillis, long maxMillis) {
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
  }

  /** The next pause in milliseconds. */
  long next() {
    current = current == 0 ? initialMillis : Math.min(maxMillis, current * 2);
    long half = current / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  void reset() {
    current = 0;
  }
}
