package io.inboard.agent.instrument.outbound;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import okhttp3.HttpUrl;

/**
 * The instance URLs OkHttp calls were rewritten to, found again by the URL the application asked
 * for and the instance chosen. Building a URL through OkHttp's {@code HttpUrl.Builder} canonicalises
 * the host (an IDNA table look-up), writes the URL out and decodes it again: in a profile of the
 * demo frontend at 1000 requests/s it was the largest part of the agent's own work, while an
 * application calls the same few URLs over and over. A miss (a new URL or instance, or two
 * colliding in a slot) only builds the URL as before.
 */
final class RewrittenUrls {
  private static final int SLOTS = 64; // a power of two

  private record Entry(String original, String address, int port, String path, HttpUrl rewritten) {}

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

  /** {@code url} sent to {@code address:port}, with its path replaced by {@code path} unless null. */
  HttpUrl rewrite(HttpUrl url, String address, int port, String path) {
    // HttpUrl keeps the URL's text and two URLs are equal exactly when their texts are.
    String original = url.toString();
    int hash = original.hashCode() * 31 + address.hashCode() * 17 + port + (path == null ? 0 : path.hashCode());
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    Entry e = slots.get(slot);
    if (e != null
        && e.port() == port
        && e.address().equals(address)
        && Objects.equals(e.path(), path)
        && e.original().equals(original)) {
      return e.rewritten();
    }
    HttpUrl.Builder builder = url.newBuilder().host(address).port(port);
    if (path != null) {
      builder.encodedPath(path);
    }
    HttpUrl rewritten = builder.build();
    slots.set(slot, new Entry(original, address, port, path, rewritten));
    return rewritten;
  }
}
