package io.inboard.agent.it.app;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An application whose calls meet the mesh's redirects and delays, run in a forked JVM with the
 * agent. Modes:
 *
 * <ul>
 *   <li>{@code follow URL}: GETs URL with each client as configured by default to follow redirects
 *       (OkHttp, {@code HttpClient} with {@code NORMAL} through {@code send} and {@code sendAsync},
 *       {@code HttpURLConnection}) and prints {@code RESULT <client> status=<s> redirects=<n>
 *       body=<body>} ({@code redirects}: the prior responses, or for {@code HttpURLConnection} the
 *       final URL's path), or {@code FAILED <client> <exception>}.
 *   <li>{@code delayed URL}: {@code HttpClient.sendAsync} of URL; prints {@code RETURNED <ms>} when
 *       the caller has its future, then {@code ANSWERED <ms> status=<s>}.
 * </ul>
 */
public final class RedirectApplication {
  private RedirectApplication() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "follow" -> follow(args[1]);
      case "delayed" -> delayed(args[1]);
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.flush();
    System.exit(0);
  }

  private static void follow(String url) {
    OkHttpClient okhttp = new OkHttpClient();
    HttpClient jdk = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
    print("okhttp", () -> {
      try (Response response = okhttp.newCall(new Request.Builder().url(url).build()).execute()) {
        int redirects = 0;
        for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
          redirects++;
        }
        return result(response.code(), redirects, response.body().string());
      }
    });
    print("jdk", () -> result(jdk.send(request, HttpResponse.BodyHandlers.ofString())));
    print("jdk-async", () -> result(
        jdk.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS)));
    print("huc", () -> {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      int status = connection.getResponseCode();
      try (InputStream in = connection.getInputStream()) {
        return "status=" + status + " url-path=" + connection.getURL().getPath()
            + " body=" + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
    });
  }

  private static String result(HttpResponse<String> response) {
    int redirects = 0;
    for (var previous = response.previousResponse(); previous.isPresent(); previous = previous.get().previousResponse()) {
      redirects++;
    }
    return result(response.statusCode(), redirects, response.body());
  }

  private static String result(int status, int redirects, String body) {
    return "status=" + status + " redirects=" + redirects + " body=" + body.strip();
  }

  private static void delayed(String url) throws Exception {
    HttpClient jdk = HttpClient.newHttpClient();
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> pending =
        jdk.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("RETURNED " + (System.nanoTime() - start) / 1_000_000);
    HttpResponse<String> response = pending.get(30, TimeUnit.SECONDS);
    System.out.println("ANSWERED " + (System.nanoTime() - start) / 1_000_000 + " status=" + response.statusCode());
  }

  private interface Call {
    String make() throws Exception;
  }

  private static void print(String client, Call call) {
    try {
      System.out.println("RESULT " + client + " " + call.make());
    } catch (Exception e) {
      System.out.println("FAILED " + client + " " + e);
    }
  }
}
