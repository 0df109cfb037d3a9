package io.inboard.agent.instrument.outbound;

import java.net.http.HttpRequest;

/** A rule's mirror: the copy of a routed {@code java.net.http} request that {@link JdkMirror} sends. */
final class MirrorHttpRequest extends MeshHttpRequest {
  MirrorHttpRequest(HttpRequest copy) {
    super(copy);
  }
}
