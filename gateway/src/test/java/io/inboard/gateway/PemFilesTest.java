package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.core.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys and certificates read with the JDK alone, and what a file that cannot be used is told. */
class PemFilesTest {
  @TempDir Path dir;

  @Test
  void readsPkcs8KeysOfBothKindsAndPkcs1RsaKeys() throws Exception {
    KeyPair rsa = generate("RSA");
    KeyPair ec = generate("EC");
    Path pkcs8 = Files.writeString(dir.resolve("rsa.key"), TestCertificates.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
    Path ecKey = Files.writeString(dir.resolve("ec.key"), TestCertificates.pem("PRIVATE KEY", ec.getPrivate().getEncoded()));
    Path pkcs1 = Files.writeString(dir.resolve("rsa1.key"),
        TestCertificates.pem("RSA PRIVATE KEY", pkcs1Of(rsa.getPrivate())));

    assertThat(PemFiles.privateKey(pkcs8)).isEqualTo(rsa.getPrivate());
    assertThat(PemFiles.privateKey(ecKey)).isEqualTo(ec.getPrivate());
    PrivateKey fromPkcs1 = PemFiles.privateKey(pkcs1);
    assertThat(fromPkcs1.getAlgorithm()).isEqualTo("RSA");
    assertThat(fromPkcs1.getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
  }

  @Test
  void aFileThatCannotBeUsedSaysWhatItHoldsAndHowToFixIt() throws Exception {
    Path encrypted = Files.writeString(dir.resolve("enc.key"), TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {1}));
    Path sec1 = Files.writeString(dir.resolve("sec1.key"), TestCertificates.pem("EC PRIVATE KEY", new byte[] {1}));
    Path text = Files.writeString(dir.resolve("text.crt"), "hello\n");
    Path notACertificate = Files.writeString(dir.resolve("bad.crt"), TestCertificates.pem("CERTIFICATE", new byte[] {1, 2}));

    assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageStartingWith("holds an encrypted private key")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> PemFiles.privateKey(sec1)).hasMessageContaining("SEC1");
    assertThatThrownBy(() -> PemFiles.certificates(text))
        .hasMessage("is not a PEM file (no -----BEGIN ...----- block)");
    assertThatThrownBy(() -> PemFiles.certificates(notACertificate))
        .hasMessageStartingWith("holds a CERTIFICATE that is not a valid X.509 certificate");
    assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("absent.key"))).hasMessage("does not exist");
  }

  private static KeyPair generate(String algorithm) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
    return generator.generateKeyPair();
  }

  /** The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key: the contents of its OCTET STRING. */
  private static byte[] pkcs1Of(PrivateKey key) {
    byte[] der = key.getEncoded();
    int at = 1 + lengthBytes(der, 1); // into the outer SEQUENCE
    at += 3; // INTEGER 0
    at += 2 + der[at + 1]; // the AlgorithmIdentifier SEQUENCE (short form)
    int length = length(der, at + 1);
    int start = at + 1 + lengthBytes(der, at + 1);
    return Arrays.copyOfRange(der, start, start + length);
  }

  private static int lengthBytes(byte[] der, int at) {
    return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
  }

  private static int length(byte[] der, int at) {
    if ((der[at] & 0x80) == 0) {
      return der[at];
    }
    int n = 0;
    for (int i = 1; i <= (der[at] & 0x7f); i++) {
      n = (n << 8) | (der[at + i] & 0xff);
    }
    return n;
  }
}
