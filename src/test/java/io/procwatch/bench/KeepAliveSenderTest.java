package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeepAliveSenderTest {
  /** A tiny HTTP/1.1 server: each connection a thread; {@code answer} renders the raw answer to a request body. */
  static final class TinyServer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Function<String, String> answer;

    TinyServer(Function<String, String> answer) throws IOException {
      this.answer = answer;
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            connections.incrementAndGet();
            Thread c = new Thread(() -> serve(s));
            c.setDaemon(true);
            c.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void serve(Socket s) {
      try (s) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        while (true) {
          String requestLine = in.readLine();
          if (requestLine == null) return;
          int length = 0;
          String contentType = null;
          for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
            if (lower.startsWith("content-type:")) contentType = h.substring(13).trim();
          }
          char[] body = new char[length];
          for (int n = 0; n < length; ) n += in.read(body, n, length - n);
          String b = new String(body);
          requests.add(requestLine + " " + contentType + " " + b);
          String a = answer.apply(b);
          if (a == null) return; // drop the connection without an answer
          out.write(a.getBytes(StandardCharsets.UTF_8));
          out.flush();
          if (a.contains("Connection: close")) return;
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private TinyServer server;
  private KeepAliveSender sender;

  @AfterEach
  void tearDown() throws IOException {
    if (sender != null) sender.close();
    if (server != null) server.close();
  }

  private static String lengthAnswer(int status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + body;
  }

  private static KeepAliveSender.Answer post(KeepAliveSender sender, String contentType, String body) throws Exception {
    LinkedBlockingQueue<KeepAliveSender.Answer> q = new LinkedBlockingQueue<>();
    sender.post("/api/v1/events", contentType, body, q::add);
    KeepAliveSender.Answer a = q.poll(10, TimeUnit.SECONDS);
    assertThat(a).as("answer to " + body).isNotNull();
    return a;
  }

  @Test
  void sendsThePostAndReadsStatusAndContentLengthBody() throws Exception {
    server = new TinyServer(b -> lengthAnswer(202, "{\"result\":\"applied\",\"echo\":\"" + b.length() + "\"}"));
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    long before = System.nanoTime();
    KeepAliveSender.Answer a = post(sender, "application/json", "{\"projectId\":\"P-1\",\"é\":1}");
    assertThat(a.error()).isNull();
    assertThat(a.status()).isEqualTo(202);
    assertThat(a.body()).isEqualTo("{\"result\":\"applied\",\"echo\":\"26\"}");
    assertThat(a.headersAtNanos()).isGreaterThanOrEqualTo(before);
    assertThat(server.requests).containsExactly("POST /api/v1/events HTTP/1.1 application/json {\"projectId\":\"P-1\",\"é\":1}"
        .replace("é", new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
  }

  @Test
  void keepsTheConnectionAliveAcrossRequests() throws Exception {
    server = new TinyServer(b -> lengthAnswer(b.startsWith("bad") ? 400 : 202, "ok " + b));
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    for (int i = 0; i < 20; i++) {
      KeepAliveSender.Answer a = post(sender, "application/x-ndjson", (i == 7 ? "bad" : "e") + i);
      assertThat(a.status()).isEqualTo(i == 7 ? 400 : 202);
      assertThat(a.body()).isEqualTo("ok " + (i == 7 ? "bad" : "e") + i);
    }
    assertThat(server.connections.get()).isEqualTo(1);
    assertThat(sender.opened.sum()).isEqualTo(1);
    assertThat(sender.failed.sum()).isZero();
  }

  @Test
  void readsAChunkedBody() throws Exception {
    server = new TinyServer(b -> "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n" + "7;ext=1\r\n, world\r\n" + "0\r\n\r\n");
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    for (int i = 0; i < 3; i++) {
      KeepAliveSender.Answer a = post(sender, "application/json", "x");
      assertThat(a.status()).isEqualTo(202);
      assertThat(a.body()).isEqualTo("hello, world");
    }
    assertThat(server.connections.get()).isEqualTo(1);
  }

  @Test
  void reopensAfterConnectionClose() throws Exception {
    server = new TinyServer(b -> "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    for (int i = 0; i < 3; i++) {
      KeepAliveSender.Answer a = post(sender, "application/json", "x" + i);
      assertThat(a.error()).isNull();
      assertThat(a.body()).isEqualTo("ok");
    }
    assertThat(server.connections.get()).isEqualTo(3);
    assertThat(sender.failed.sum()).isZero();
  }

  @Test
  void aConnectionDroppedWithoutAnAnswerIsAnErrorAndTheNextRequestReconnects() throws Exception {
    server = new TinyServer(b -> b.equals("drop") ? null : lengthAnswer(202, "ok"));
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    assertThat(post(sender, "application/json", "a").status()).isEqualTo(202);
    KeepAliveSender.Answer dropped = post(sender, "application/json", "drop");
    assertThat(dropped.error()).isInstanceOf(IOException.class);
    assertThat(dropped.status()).isZero();
    assertThat(post(sender, "application/json", "b").status()).isEqualTo(202);
    assertThat(sender.failed.sum()).isEqualTo(1);
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void aMalformedAnswerIsAnError() throws Exception {
    server = new TinyServer(b -> "garbage\r\n\r\n");
    sender = new KeepAliveSender(server.uri(), 1, 5000);
    KeepAliveSender.Answer a = post(sender, "application/json", "a");
    assertThat(a.error()).isInstanceOf(IOException.class).hasMessageContaining("status line");
    assertThat(sender.failed.sum()).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsAnErrorPerRequest() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    sender = new KeepAliveSender(URI.create("http://127.0.0.1:" + port), 2, 2000);
    for (int i = 0; i < 3; i++) assertThat(post(sender, "application/json", "a").error()).isInstanceOf(IOException.class);
    assertThat(sender.failed.sum()).isEqualTo(3);
  }

  @Test
  void spreadsConcurrentRequestsOverItsConnections() throws Exception {
    java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
    server = new TinyServer(b -> {
      both.countDown();
      try {
        // each answer waits for the other request to arrive: only two connections in flight at once can answer
        if (!both.await(5, TimeUnit.SECONDS)) return null;
      } catch (InterruptedException e) {
        return null;
      }
      return lengthAnswer(202, b);
    });
    sender = new KeepAliveSender(server.uri(), 2, 10_000);
    LinkedBlockingQueue<KeepAliveSender.Answer> q = new LinkedBlockingQueue<>();
    sender.post("/p", "application/json", "one", q::add);
    sender.post("/p", "application/json", "two", q::add);
    KeepAliveSender.Answer a = q.poll(10, TimeUnit.SECONDS);
    KeepAliveSender.Answer b = q.poll(10, TimeUnit.SECONDS);
    assertThat(List.of(a.status(), b.status())).containsExactly(202, 202);
    assertThat(List.of(a.body(), b.body())).containsExactlyInAnyOrder("one", "two");
    assertThat(server.connections.get()).isEqualTo(2);
  }
}
