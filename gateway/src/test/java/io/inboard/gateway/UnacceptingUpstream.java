package io.inboard.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A port on 127.0.0.1 where a connect never completes: a listening socket that accepts nothing,
 * its accept queue filled, so the kernel drops further connection attempts and they time out, as
 * against a host that has gone silent.
 */
final class UnacceptingUpstream implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> queued = new ArrayList<>();

  UnacceptingUpstream() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 16; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
        queued.add(socket);
      } catch (SocketTimeoutException full) {
        socket.close();
        return;
      }
    }
    close();
    throw new IllegalStateException("the accept queue of port " + server.getLocalPort() + " never filled");
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : queued) {
      socket.close();
    }
    server.close();
  }
}
