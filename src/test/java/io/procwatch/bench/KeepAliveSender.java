package io.procwatch.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A minimal HTTP/1.1 keep-alive client for the background POSTs of {@code bench/alert-latency}: a fixed set of
 * persistent connections to one service, each a thread that takes the next request from a shared queue, writes it
 * whole (headers and body pre-rendered into one byte array) and reads the answer with blocking I/O (status line,
 * headers, then a Content-Length or chunked body). One request in flight per connection.
 *
 * <p>Why: java.net.http's async {@code HttpClient} cost the driver about 59% of a core at 1,000 requests/s (its
 * selector, completion stages, header maps and body publishers/subscribers per request), on a 2-core machine where
 * the service under test needs the rest. This client does per request one write, a few reads and the parse of a
 * handful of header lines.
 *
 * <p>Errors: a connection that fails (refused, reset, closed before a whole answer, read timeout, a malformed answer)
 * completes its request with the exception, is closed, and is opened again for the next request; the request is not
 * retried (the driver counts it as an error). An answer with {@code Connection: close} is read whole, then the
 * connection is closed and reopened for the next request.
 */
final class KeepAliveSender implements AutoCloseable {
  /** What a request's answer was; {@code error} non-null when there was none (then status is 0 and body null). */
  record Answer(int status, String body, long headersAtNanos, Throwable error) {}

  /** Told on the connection's thread once the answer is in (or failed). */
  interface Callback {
    void done(Answer answer);
  }

  private record Job(String path, String contentType, byte[] body, Callback callback) {}

  private static final Job STOP = new Job(null, null, null, null);

  private final String host;
  private final int port;
  private final int timeoutMillis;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  /** Connections opened (the first of each thread included): more than {@code connections} means reconnects. */
  final LongAdder opened = new LongAdder();
  /** Requests that got no answer (connection errors, malformed answers). */
  final LongAdder failed = new LongAdder();

  KeepAliveSender(URI base, int connections, int timeoutMillis) {
    if (connections < 1) throw new IllegalArgumentException("connections must be at least 1");
    if (!"http".equals(base.getScheme())) throw new IllegalArgumentException("http only: " + base);
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.timeoutMillis = timeoutMillis;
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(this::run, "keepalive-sender-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Queues a POST of {@code body} to {@code path}; {@code callback} runs on a connection thread. */
  void post(String path, String contentType, String body, Callback callback) {
    queue.add(new Job(path, contentType, body.getBytes(StandardCharsets.UTF_8), callback));
  }

  /** Requests queued and not yet taken by a connection. */
  int queued() {
    return queue.size();
  }

  @Override
  public void close() {
    for (int i = 0; i < threads.size(); i++) queue.add(STOP);
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void run() {
    Socket socket = null;
    InputStream in = null;
    OutputStream out = null;
    try {
      while (true) {
        Job job = queue.take();
        if (job == STOP) return;
        Answer answer;
        boolean keep = false;
        try {
          if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            opened.increment();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
          }
          out.write(render(job));
          out.flush();
          Response r = read(in);
          answer = new Answer(r.status, r.body, r.headersAt, null);
          keep = r.keepAlive;
        } catch (IOException | RuntimeException e) {
          failed.increment();
          answer = new Answer(0, null, System.nanoTime(), e);
        }
        if (!keep && socket != null) {
          closeQuietly(socket);
          socket = null;
        }
        job.callback().done(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (socket != null) closeQuietly(socket);
    }
  }

  private byte[] render(Job job) {
    String head = "POST " + job.path() + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: "
        + job.contentType() + "\r\nContent-Length: " + job.body().length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + job.body().length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(job.body(), 0, all, h.length, job.body().length);
    return all;
  }

  private record Response(int status, String body, long headersAt, boolean keepAlive) {}

  /** Reads one answer: status line, headers, body (Content-Length, chunked, or none for 1xx/204/304). */
  static Response read(InputStream in) throws IOException {
    String status = line(in);
    long headersAt = 0;
    if (!status.startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x status line: " + abbreviate(status));
    int sp = status.indexOf(' ');
    int code;
    try {
      code = Integer.parseInt(status.substring(sp + 1, Math.min(status.length(), sp + 4)));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IOException("bad status line: " + abbreviate(status));
    }
    boolean keepAlive = status.startsWith("HTTP/1.1");
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon < 0) throw new IOException("bad header line: " + abbreviate(h));
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> {
          String v = value.toLowerCase(Locale.ROOT);
          if (v.contains("close")) keepAlive = false;
          else if (v.contains("keep-alive")) keepAlive = true;
        }
        default -> { }
      }
    }
    headersAt = System.nanoTime();
    byte[] body;
    if (code / 100 == 1 || code == 204 || code == 304) body = new byte[0];
    else if (chunked) body = chunked(in);
    else if (length >= 0) body = exactly(in, (int) length);
    else { // no length: the body runs to the end of the connection
      body = in.readAllBytes();
      keepAlive = false;
    }
    return new Response(code, new String(body, StandardCharsets.UTF_8), headersAt, keepAlive);
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      int n;
      try {
        n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + abbreviate(size));
      }
      if (n == 0) {
        while (!line(in).isEmpty()) { } // trailers
        return body.toByteArray();
      }
      body.write(exactly(in, n));
      if (!line(in).isEmpty()) throw new IOException("no CRLF after a chunk");
    }
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new EOFException("connection closed after " + b.length + " of " + n + " body bytes");
    return b;
  }

  /** One line without its CRLF (ISO-8859-1); EOF before any byte or mid-line is an error. */
  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) throw new EOFException(sb.length() == 0 ? "connection closed before an answer" : "connection closed mid-line");
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
        return sb.toString();
      }
      if (sb.length() > 8192) throw new IOException("line too long");
      sb.append((char) c);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a failed connection
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }
}
