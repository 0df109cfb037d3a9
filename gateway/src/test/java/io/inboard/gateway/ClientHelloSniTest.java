package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The SNI read from a real ClientHello, made by the JDK's own TLS client. */
class ClientHelloSniTest {

  private static ByteBuffer clientHello(String sni) throws Exception {
    SSLEngine client = SSLContext.getDefault().createSSLEngine("127.0.0.1", 443);
    client.setUseClientMode(true);
    SSLParameters parameters = client.getSSLParameters();
    parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    client.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), out);
    return out.flip();
  }

  @Test
  void readsTheHostNameOfAClientHello() throws Exception {
    ClientHelloSni sni = ClientHelloSni.read(clientHello("Shop.Example.com"));
    assertThat(sni.outcome()).isEqualTo(ClientHelloSni.Outcome.FOUND);
    assertThat(sni.host()).isEqualTo("shop.example.com");
  }

  @Test
  void waitsForTheWholeFirstRecord() throws Exception {
    ByteBuffer hello = clientHello("shop.example.com");
    ByteBuffer part = hello.duplicate().limit(hello.limit() - 1);
    assertThat(ClientHelloSni.read(part).outcome()).isEqualTo(ClientHelloSni.Outcome.NEED_MORE);
    assertThat(ClientHelloSni.read(hello.duplicate().limit(3)).outcome()).isEqualTo(ClientHelloSni.Outcome.NEED_MORE);
  }

  @Test
  void aClientHelloWithoutSniOrPlainHttpHasNone() throws Exception {
    assertThat(ClientHelloSni.read(clientHello(null)).outcome()).isEqualTo(ClientHelloSni.Outcome.NONE);
    ByteBuffer plain = ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(ClientHelloSni.read(plain).outcome()).isEqualTo(ClientHelloSni.Outcome.NONE);
  }
}
