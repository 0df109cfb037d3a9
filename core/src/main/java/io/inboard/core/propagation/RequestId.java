package io.inboard.core.propagation;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates {@code x-request-id} values for inbound requests that arrive without one, as Envoy does
 * at the edge: a random (version 4) UUID. Uses {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}'s shared SecureRandom, because ids only need to be unique, not secret,
 * and a request path must not contend on a lock.
 */
public final class RequestId {
  private RequestId() {}

  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
