package io.inboard.gateway;

import io.inboard.core.mesh.DestinationTable;
import io.inboard.core.route.Decision;
import io.inboard.core.route.TlsDestination;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS the gateway opens to each destination whose DestinationRule says {@code SIMPLE} or {@code MUTUAL}
 * ({@link UpstreamTls}), kept across snapshots: a destination whose rule and files did not change keeps
 * its loaded contexts (and the connections pooled under them); a changed rule, or a certificate file that
 * changed ({@link #reloaded}, polled as the HTTPS servers' files are), loads them again, and the next
 * requests open new connections with them.
 *
 * <p>Its owner creates it with the first snapshot that originates TLS; while no rule does there is none,
 * and the request path checks only that.
 */
final class UpstreamOrigination {
  private static final System.Logger LOG = System.getLogger(UpstreamOrigination.class.getName());

  private final Path credentialsDir;
  /** Replaced whole by {@link #apply} and {@link #reloaded}. */
  private volatile DestinationTable<UpstreamTls> table = DestinationTable.empty();
  private List<UpstreamTls> all = List.of();

  /** @param credentialsDir where {@code credentialName} secrets are mounted, or {@code null} */
  UpstreamOrigination(Path credentialsDir) {
    this.credentialsDir = credentialsDir;
  }

  /** Makes a snapshot's destinations the ones TLS is opened to; called by one thread at a time. */
  synchronized void apply(List<TlsDestination> destinations) {
    List<UpstreamTls> next = new ArrayList<>(destinations.size());
    for (TlsDestination d : destinations) {
      UpstreamTls previous = table.get(d.host(), d.subset(), d.port());
      next.add(previous != null && previous.sameAs(d) && !previous.filesChanged() ? previous : loaded(d));
    }
    use(next);
  }

  /** Loads again the destinations whose certificate files changed; a few {@code stat}s when none did. */
  synchronized void reloaded() {
    List<UpstreamTls> next = new ArrayList<>(all.size());
    boolean changed = false;
    for (UpstreamTls tls : all) {
      if (tls.filesChanged()) {
        UpstreamTls renewed = loaded(tls.destination);
        if (renewed.problem() == null) {
          LOG.log(Level.INFO, tls.destination.where() + ": certificate files changed; new connections to "
              + tls.destination.host() + " use them");
        }
        next.add(renewed);
        changed = true;
      } else {
        next.add(tls);
      }
    }
    if (changed) {
      use(next);
    }
  }

  /** The TLS opened to a request's destination, or {@code null} for plain HTTP. Allocates nothing. */
  UpstreamTls get(Decision.Target to) {
    return table.get(to.host(), to.subset(), to.policyPort());
  }

  /** The problems of the destinations whose certificate files cannot be used, each naming rule, field and file. */
  synchronized List<String> problems() {
    return all.stream().map(UpstreamTls::problem).filter(p -> p != null).toList();
  }

  private UpstreamTls loaded(TlsDestination d) {
    UpstreamTls tls = UpstreamTls.load(d, credentialsDir);
    if (tls.problem() != null) {
      LOG.log(Level.ERROR, tls.problem());
    } else if (d.tls().insecureSkipVerify()) {
      LOG.log(Level.WARNING, d.where() + " sets insecureSkipVerify: the certificates of " + d.host()
          + (d.subset() == null ? "" : " subset " + d.subset()) + " are not verified, so anyone on the path can "
          + "pose as its instances");
    }
    return tls;
  }

  private void use(List<UpstreamTls> next) {
    DestinationTable.Builder<UpstreamTls> builder = new DestinationTable.Builder<>();
    for (UpstreamTls tls : next) {
      builder.put(tls.destination.host(), tls.destination.subset(), tls.destination.port(), tls);
    }
    all = List.copyOf(next);
    table = builder.build();
  }
}
