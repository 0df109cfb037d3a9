package io.inboard.bench.wholepath;

import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An nginx reverse proxy standing in for a sidecar: one process (no master, one worker's worth of
 * event loop), loopback only, HTTP/1.1 keep-alive to its upstreams, no access log, as lean a proxy
 * hop as a sidecar can be. A caller-side sidecar spreads over the callee sidecars by weight (the
 * canary split); a callee-side sidecar forwards to its one service.
 */
final class NginxSidecar {
  private NginxSidecar() {}

  /** One upstream server and its weight. */
  record Upstream(int port, int weight) {}

  static Launched start(Launcher launcher, String role, int listenPort, List<Upstream> upstreams, Path workDir) {
    Path dir = workDir.toAbsolutePath().resolve("nginx-" + role.replaceAll("[^A-Za-z0-9]+", "-"));
    StringBuilder servers = new StringBuilder();
    for (Upstream upstream : upstreams) {
      servers.append("    server 127.0.0.1:").append(upstream.port())
          .append(" weight=").append(upstream.weight()).append(";\n");
    }
    String conf = """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          keepalive_requests 1000000;
          keepalive_timeout 120s;
          upstream callee {
        %2$s    keepalive 128;
            keepalive_requests 1000000;
          }
          server {
            listen 127.0.0.1:%3$d;
            location / {
              proxy_pass http://callee;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $http_host;
            }
          }
        }
        """.formatted(dir, servers, listenPort);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("nginx.conf"), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the nginx config under " + dir, e);
    }
    return launcher.start(role, listenPort,
        List.of("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e", "stderr"),
        Map.of());
  }
}
