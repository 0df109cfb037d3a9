package io.inboard.gateway;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC service on 127.0.0.1 (grpc-java over Netty, plain-text HTTP/2), without generated code:
 * service {@code demo.Greeter} with String messages. {@code Hello} answers {@code <id>:<name>};
 * {@code Count} streams {@code <id>:1} ... {@code <id>:n}; {@code Flaky} fails with {@code UNAVAILABLE}
 * while {@link #flakyFailures} lasts, then answers; {@code Refuse} fails with {@code INVALID_ARGUMENT} and
 * the trailer {@code x-why}. Every answer carries the trailer {@code x-served-by: <id>}.
 */
final class GrpcUpstream implements AutoCloseable {
  static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> WHY = Metadata.Key.of("x-why", Metadata.ASCII_STRING_MARSHALLER);

  static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<String, String> HELLO = method("Hello", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> COUNT = method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<String, String> FLAKY = method("Flaky", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> REFUSE = method("Refuse", MethodDescriptor.MethodType.UNARY);

  final String id;
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger flakyFailures = new AtomicInteger();
  /** The {@code :authority} of the last call. */
  volatile String lastAuthority;
  private final Server server;

  GrpcUpstream(String id) throws IOException {
    this.id = id;
    ServerServiceDefinition service = ServerServiceDefinition.builder("demo.Greeter")
        .addMethod(HELLO, ServerCalls.asyncUnaryCall((String name, StreamObserver<String> out) -> {
          out.onNext(id + ":" + name);
          out.onCompleted();
        }))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((String n, StreamObserver<String> out) -> {
          for (int i = 1; i <= Integer.parseInt(n); i++) {
            out.onNext(id + ":" + i);
          }
          out.onCompleted();
        }))
        .addMethod(FLAKY, ServerCalls.asyncUnaryCall((String name, StreamObserver<String> out) -> {
          if (flakyFailures.getAndDecrement() > 0) {
            out.onError(Status.UNAVAILABLE.withDescription("not yet").asRuntimeException());
          } else {
            out.onNext(id + ":" + name);
            out.onCompleted();
          }
        }))
        .addMethod(REFUSE, ServerCalls.asyncUnaryCall((String name, StreamObserver<String> out) -> {
          Metadata trailers = new Metadata();
          trailers.put(WHY, "names must be short");
          out.onError(Status.INVALID_ARGUMENT.withDescription("bad name " + name).asRuntimeException(trailers));
        }))
        .build();
    ServerInterceptor servedBy = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        calls.incrementAndGet();
        lastAuthority = call.getAuthority();
        return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            trailers.put(SERVED_BY, id);
            super.close(status, trailers);
          }
        }, headers);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, servedBy))
        .build()
        .start();
  }

  int port() {
    return server.getPort();
  }

  private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("demo.Greeter", name))
        .setRequestMarshaller(TEXT)
        .setResponseMarshaller(TEXT)
        .build();
  }

  /** A unary call on {@code channel}. */
  static String call(Channel channel, MethodDescriptor<String, String> method, String request, CallOptions options) {
    return ClientCalls.blockingUnaryCall(channel, method, options.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  /** A server-streaming call's messages. */
  static Iterator<String> stream(Channel channel, MethodDescriptor<String, String> method, String request) {
    return ClientCalls.blockingServerStreamingCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  static ClientCall<String, String> newCall(Channel channel, MethodDescriptor<String, String> method) {
    return channel.newCall(method, CallOptions.DEFAULT);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
