package io.inboard.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.io.Content;

/**
 * A gRPC call's request messages, kept as they stream to the first instance so that a retry can send
 * them again, as Envoy buffers a request it may retry. Only a whole body of at most {@link #LIMIT} bytes
 * is kept: a larger one, or a stream the client has not finished when the retry is due, is not retried
 * (Envoy's rule when its buffer limit is passed). Touched by the thread reading the client's body, then
 * by the one sending the retry, one after the other.
 */
final class ReplayableBody {
  /** The most bytes kept for a retry. */
  static final int LIMIT = 64 * 1024;

  private byte[] bytes = new byte[256];
  private int length;
  private boolean complete;
  private boolean overflowed;

  /** Keeps a copy of a chunk the first attempt is sent. */
  synchronized void kept(Content.Chunk chunk) {
    if (overflowed || chunk == null || Content.Chunk.isFailure(chunk)) {
      overflowed |= Content.Chunk.isFailure(chunk);
      return;
    }
    ByteBuffer data = chunk.getByteBuffer().slice();
    int n = data.remaining();
    if (length + n > LIMIT) {
      overflowed = true;
      bytes = null;
      return;
    }
    if (length + n > bytes.length) {
      byte[] bigger = new byte[Math.min(LIMIT, Math.max(bytes.length * 2, length + n))];
      System.arraycopy(bytes, 0, bigger, 0, length);
      bytes = bigger;
    }
    data.get(bytes, length, n);
    length += n;
    if (chunk.isLast()) {
      complete = true;
    }
  }

  /** Whether the whole body was kept, so that a retry can send it. */
  synchronized boolean replayable() {
    return complete && !overflowed;
  }

  /** The kept body for a retry's request, with the client's {@code content-type}. */
  synchronized BytesRequestContent replay(String contentType) {
    byte[] copy = new byte[length];
    System.arraycopy(bytes, 0, copy, 0, length);
    return new BytesRequestContent(contentType, copy);
  }
}
