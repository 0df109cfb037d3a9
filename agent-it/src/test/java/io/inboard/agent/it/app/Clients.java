package io.inboard.agent.it.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The three HTTP clients, used the way applications use them: no header handling at all. */
final class Clients {
  private final OkHttpClient okhttp = new OkHttpClient.Builder().build();
  private final OkHttpClient okhttpPlain = new OkHttpClient();
  private final HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * Calls {@code target} with {@code client}; {@code header} ({@code name:value} or {@code null}) is
   * one header the application sets itself.
   */
  String call(String client, String target, String header) throws Exception {
    String name = header == null ? null : header.substring(0, header.indexOf(':'));
    String value = header == null ? null : header.substring(header.indexOf(':') + 1);
    try {
      return switch (client) {
        case "okhttp" -> okhttp(okhttp, target, name, value);
        case "okhttp-plain" -> okhttp(okhttpPlain, target, name, value);
        case "okhttp-async" -> okhttpAsync(target, name, value);
        case "jdk" -> jdk(target, name, value);
        case "jdk-async" -> jdkAsync(target, name, value);
        case "huc" -> urlConnection(target, name, value);
        case "huc-stream" -> urlConnectionStream(target);
        case "huc-unread" -> urlConnectionUnread(target);
        case "huc-timeout" -> urlConnectionTimingOut(target);
        case "huc-answer" -> urlConnectionAnswer(target);
        case "jdk-answer" -> jdkAnswer(target, false);
        case "jdk-async-answer" -> jdkAnswer(target, true);
        default -> throw new IllegalArgumentException("unknown client " + client);
      };
    } catch (ExecutionException e) {
      return error(e.getCause());
    } catch (IOException e) {
      return error(e);
    }
  }

  static String error(Throwable e) {
    return "error=" + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
  }

  private static String line(int status, String body) {
    String first = body == null ? "" : body.lines().findFirst().orElse("");
    return "status=" + status + " " + first;
  }

  private static Request okhttpRequest(String target, String name, String value) {
    Request.Builder request = new Request.Builder().url(target);
    if (name != null) {
      request.header(name, value);
    }
    return request.build();
  }

  private static HttpRequest jdkRequest(String target, String name, String value) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target));
    if (name != null) {
      request.header(name, value);
    }
    return request.build();
  }

  private static String okhttp(OkHttpClient client, String target, String name, String value) throws IOException {
    try (Response response = client.newCall(okhttpRequest(target, name, value)).execute()) {
      return describe(response);
    }
  }

  /** The response's line, with the reason the mesh gave when it answered the call itself. */
  private static String describe(Response response) throws IOException {
    String reason = response.header("x-inboard-reason");
    return line(response.code(), response.body().string()) + (reason == null ? "" : " reason=" + reason.replace(' ', '_'));
  }

  private String okhttpAsync(String target, String name, String value) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    okhttp
        .newCall(okhttpRequest(target, name, value))
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                result.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  result.complete(describe(response));
                } catch (IOException e) {
                  result.completeExceptionally(e);
                }
              }
            });
    return result.get(30, TimeUnit.SECONDS);
  }

  private String jdk(String target, String name, String value) throws Exception {
    HttpResponse<String> response = jdk.send(jdkRequest(target, name, value), HttpResponse.BodyHandlers.ofString());
    return describe(response);
  }

  private String jdkAsync(String target, String name, String value) throws Exception {
    HttpResponse<String> response =
        jdk.sendAsync(jdkRequest(target, name, value), HttpResponse.BodyHandlers.ofString())
            .get(30, TimeUnit.SECONDS);
    return describe(response);
  }

  /** As {@link #describe(Response)}, for an {@code HttpClient} response. */
  private static String describe(HttpResponse<String> response) {
    String reason = response.headers().firstValue("x-inboard-reason").orElse(null);
    return line(response.statusCode(), response.body()) + (reason == null ? "" : " reason=" + reason.replace(' ', '_'));
  }

  /**
   * Reads everything of an answer the way an application inspects a response: {@code send} reads the
   * body as a string, {@code sendAsync} ({@code async}) as an input stream; the status, the headers,
   * the version, whether there was a previous response, and how long it took ({@code took},
   * milliseconds). Spaces in values are written {@code _}.
   */
  private String jdkAnswer(String target, boolean async) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(target)).build();
    long start = System.nanoTime();
    String body;
    HttpResponse<?> response;
    if (async) {
      CompletableFuture<HttpResponse<InputStream>> pending =
          jdk.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> streamed = pending.get(30, TimeUnit.SECONDS);
      try (InputStream in = streamed.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      response = streamed;
    } else {
      HttpResponse<String> read = jdk.send(request, HttpResponse.BodyHandlers.ofString());
      body = read.body();
      response = read;
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    return ("status=" + response.statusCode()
        + " reason=" + field(response.headers().firstValue("x-inboard-reason").orElse(null))
        + " type=" + field(response.headers().firstValue("content-type").orElse(null))
        + " length=" + field(response.headers().firstValue("content-length").orElse(null))
        + " location=" + field(response.headers().firstValue("location").orElse(null))
        + " version=" + response.version()
        + " previous=" + response.previousResponse().isPresent()
        + " uri=" + response.uri()
        + " body=" + field(body)
        + " took=" + took);
  }

  private static String urlConnection(String target, String name, String value) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(target).toURL().openConnection();
    if (name != null) {
      connection.setRequestProperty(name, value);
    }
    connection.setConnectTimeout(10_000);
    connection.setReadTimeout(30_000);
    int status = connection.getResponseCode();
    InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    String reason = connection.getHeaderField("x-inboard-reason");
    String overloaded = connection.getHeaderField("x-envoy-overloaded");
    return line(status, body) + (reason == null ? "" : " reason=" + reason.replace(' ', '_'))
        + (overloaded == null ? "" : " overloaded=" + overloaded);
  }

  private static HttpURLConnection open(String target) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(target).toURL().openConnection();
    connection.setConnectTimeout(10_000);
    connection.setReadTimeout(30_000);
    return connection;
  }

  /** Reads the body first, then asks the status; never disconnects. */
  private static String urlConnectionStream(String target) throws IOException {
    HttpURLConnection connection = open(target);
    String body;
    try (InputStream in = connection.getInputStream()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return line(connection.getResponseCode(), body);
  }

  /** Asks the status and disconnects without reading the body. */
  private static String urlConnectionUnread(String target) throws IOException {
    HttpURLConnection connection = open(target);
    try {
      return line(connection.getResponseCode(), "");
    } finally {
      connection.disconnect();
    }
  }

  /** Gives up after 300 ms without an answer (SocketTimeoutException), and neither reads nor disconnects. */
  private static String urlConnectionTimingOut(String target) throws IOException {
    HttpURLConnection connection = open(target);
    connection.setReadTimeout(300);
    return line(connection.getResponseCode(), "");
  }

  /**
   * Reads everything of the answer the way an application inspects an error: the status and its
   * message, the headers, what {@code getInputStream} throws, and the error stream's body; with how
   * long it took ({@code took}, milliseconds). Spaces in values are written {@code _}.
   */
  private static String urlConnectionAnswer(String target) throws IOException {
    long start = System.nanoTime();
    HttpURLConnection connection = open(target);
    int status = connection.getResponseCode();
    long took = (System.nanoTime() - start) / 1_000_000;
    String input;
    try (InputStream in = connection.getInputStream()) {
      input = "read:" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      input = e.getClass().getSimpleName() + ":" + e.getMessage();
    }
    InputStream error = connection.getErrorStream();
    String body = error == null ? "null" : new String(error.readAllBytes(), StandardCharsets.UTF_8);
    return ("status=" + status
        + " message=" + field(connection.getResponseMessage())
        + " reason=" + field(connection.getHeaderField("x-inboard-reason"))
        + " type=" + field(connection.getContentType())
        + " length=" + connection.getContentLengthLong()
        + " input=" + field(input)
        + " body=" + field(body)
        + " took=" + took);
  }

  private static String field(String value) {
    return value == null ? "null" : value.replaceAll("\\s", "_");
  }
}
