package io.inboard.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files with the JDK alone: X.509 certificates, PKCS#8
 * private keys ({@code PRIVATE KEY}, RSA or EC) and PKCS#1 RSA keys ({@code RSA PRIVATE KEY}, as
 * {@code openssl genrsa} wrote them for years), and certificate revocation lists ({@code X509 CRL}).
 * Each failure says what the file holds and how to fix it.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  /** DER of PKCS#8's AlgorithmIdentifier for rsaEncryption, to wrap a PKCS#1 key. */
  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  /** A file that cannot be used; the message says why (without the path, which the caller names). */
  public static final class BadPem extends Exception {
    public BadPem(String message) {
      super(message);
    }
  }

  private PemFiles() {}

  /** Every certificate of {@code file}, in order (a server's chain: its own first). */
  public static List<X509Certificate> certificates(Path file) throws BadPem {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(file)) {
        if (block.type.equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der)));
        }
      }
    } catch (CertificateException e) {
      throw new BadPem("holds a CERTIFICATE that is not a valid X.509 certificate (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new BadPem("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** Every certificate revocation list of {@code file} ({@code -----BEGIN X509 CRL-----}), in order. */
  public static List<X509CRL> crls(Path file) throws BadPem {
    List<X509CRL> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(file)) {
        if (block.type.equals("X509 CRL")) {
          out.add((X509CRL) factory.generateCRL(new ByteArrayInputStream(block.der)));
        }
      }
    } catch (CertificateException | CRLException e) {
      throw new BadPem("holds an X509 CRL that is not a valid revocation list (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new BadPem("holds no PEM revocation list (-----BEGIN X509 CRL-----; convert a DER one with "
          + "openssl crl -inform DER -in CRL -out CRL.pem)");
    }
    return out;
  }

  /** The private key of {@code file}: the first {@code PRIVATE KEY} or {@code RSA PRIVATE KEY} block. */
  public static PrivateKey privateKey(Path file) throws BadPem {
    for (Block block : blocks(file)) {
      switch (block.type) {
        case "PRIVATE KEY" -> {
          return pkcs8(block.der);
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(wrapPkcs1(block.der));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new BadPem("holds an encrypted private key; it is needed "
            + "unencrypted (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem), as a Kubernetes TLS secret holds it");
        case "EC PRIVATE KEY" -> throw new BadPem("holds an EC key in SEC1 form (EC PRIVATE KEY); convert it to "
            + "PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
        default -> {
          // EC PARAMETERS and the like precede a key in some files
        }
      }
    }
    throw new BadPem("holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(byte[] der) throws BadPem {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "RSASSA-PSS", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new BadPem("holds a private key that is neither RSA nor EC PKCS#8");
  }

  /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo: SEQUENCE {INTEGER 0, rsaEncryption, OCTET STRING key}. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = derElement(0x04, pkcs1);
    byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
    System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
    return derElement(0x30, body);
  }

  private static byte[] derElement(int tag, byte[] content) {
    int n = content.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file) throws BadPem {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new BadPem(Files.exists(file) ? "cannot be read (" + e + ")" : "does not exist");
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new BadPem("holds a " + m.group(1) + " block that is not valid base64");
      }
    }
    if (out.isEmpty()) {
      throw new BadPem("is not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }
}
