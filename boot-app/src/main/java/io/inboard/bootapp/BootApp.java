package io.inboard.bootapp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web service as a user would write it: {@code GET /call?client=C&on=T&n=N&target=URL}
 * makes N OkHttp calls to URL (default {@code http://user/echo}), sync ({@code okhttp}) or
 * {@code enqueue}d ({@code okhttp-async}), on the request thread or a pool's ({@code on=executor}),
 * and answers one line per call: {@code status=CODE BODY} or {@code error=MESSAGE}. No Inboard code,
 * no header forwarding. Prints {@code LISTENING <port>} once Tomcat listens.
 */
@SpringBootApplication
@RestController
public class BootApp {
  private final OkHttpClient okhttp = new OkHttpClient.Builder().build();
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  public static void main(String[] args) {
    SpringApplication.run(BootApp.class, args);
  }

  @EventListener
  public void listening(WebServerInitializedEvent event) {
    System.out.println("LISTENING " + event.getWebServer().getPort());
    System.out.flush();
  }

  @GetMapping(value = "/call", produces = "text/plain")
  public String call(
      @RequestParam(defaultValue = "okhttp") String client,
      @RequestParam(defaultValue = "request") String on,
      @RequestParam(defaultValue = "1") int n,
      @RequestParam(defaultValue = "http://user/echo") String target)
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          on.equals("executor")
              ? executor.submit(() -> call(client, target)).get(30, TimeUnit.SECONDS)
              : call(client, target));
    }
    return String.join("\n", lines);
  }

  private String call(String client, String target) throws Exception {
    Request request = new Request.Builder().url(target).build();
    if (client.equals("okhttp-async")) {
      CompletableFuture<String> answer = new CompletableFuture<>();
      okhttp.newCall(request).enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          answer.complete(error(e));
        }

        @Override
        public void onResponse(Call call, Response response) throws IOException {
          try (response) {
            answer.complete(line(response));
          }
        }
      });
      return answer.get(30, TimeUnit.SECONDS);
    }
    try (Response response = okhttp.newCall(request).execute()) {
      return line(response);
    } catch (IOException e) {
      return error(e);
    }
  }

  private static String line(Response response) throws IOException {
    String body = response.body().string();
    return "status=" + response.code() + " " + body.lines().findFirst().orElse("");
  }

  private static String error(Throwable e) {
    return "error=" + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
  }
}
