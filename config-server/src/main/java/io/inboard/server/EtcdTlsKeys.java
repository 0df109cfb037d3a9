package io.inboard.server;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the client certificate of the TLS files as they are when a connection to etcd is made
 * (see {@link EtcdTls}). The alias handed to the JDK names the read it came from, so the private
 * key taken a moment later belongs to the certificate chosen even if the files are read again in
 * between.
 */
final class EtcdTlsKeys extends X509ExtendedKeyManager {
  private final EtcdTls tls;

  EtcdTlsKeys(EtcdTls tls) {
    this.tls = tls;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    EtcdTlsMaterial m = tls.current();
    return tagged(m, m.keys() == null ? null : m.keys().chooseEngineClientAlias(keyTypes, issuers, engine));
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    EtcdTlsMaterial m = tls.current();
    return tagged(m, m.keys() == null ? null : m.keys().chooseClientAlias(keyTypes, issuers, socket));
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    EtcdTlsMaterial m = tls.current();
    String[] aliases = m.keys() == null ? null : m.keys().getClientAliases(keyType, issuers);
    if (aliases != null) {
      for (int i = 0; i < aliases.length; i++) {
        aliases[i] = tagged(m, aliases[i]);
      }
    }
    return aliases;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    EtcdTlsMaterial m = read(alias);
    return m == null || m.keys() == null ? null : m.keys().getCertificateChain(untagged(alias));
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    EtcdTlsMaterial m = read(alias);
    return m == null || m.keys() == null ? null : m.keys().getPrivateKey(untagged(alias));
  }

  // The config server is only ever a client of etcd.
  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  private static String tagged(EtcdTlsMaterial m, String alias) {
    return alias == null ? null : m.generation() + ":" + alias;
  }

  private EtcdTlsMaterial read(String alias) {
    int colon = alias == null ? -1 : alias.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    try {
      return tls.generation(Long.parseLong(alias.substring(0, colon)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String untagged(String alias) {
    return alias.substring(alias.indexOf(':') + 1);
  }
}
