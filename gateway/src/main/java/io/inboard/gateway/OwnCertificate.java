package io.inboard.gateway;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one certificate in every handshake whose key type it fits: an HTTPS server's to its clients, or
 * the gateway's client certificate to an instance under a DestinationRule's {@code MUTUAL}. It does not
 * hold it back when the peer names other CAs (the JDK's own key manager would), so that the peer's own
 * check is what decides, and what its error says.
 */
final class OwnCertificate extends X509ExtendedKeyManager {
  private static final String ALIAS = "own";
  private final PrivateKey key;
  private final X509Certificate[] chain;

  OwnCertificate(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain;
  }

  private String aliasFor(String keyType) {
    return key.getAlgorithm().equals(keyType) ? ALIAS : null;
  }

  private String aliasFor(String[] keyTypes) {
    if (keyTypes != null) {
      for (String type : keyTypes) {
        if (aliasFor(type) != null) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliasFor(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasFor(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
