package io.procwatch.alert;

import static io.procwatch.testing.ApiAssertions.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a bare socket with a tiny receive buffer, which reads nothing until asked: a stuck
 * client whose connection pushes back on the server after a few kilobytes. (Pekko's own client buffers
 * whole TCP reads in its stream stages, megabytes before it pushes back.)
 */
final class RawFeedClient implements AutoCloseable {
  /** A frame as received: opcode 1 text, 8 close (payload: code and reason). */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;

  RawFeedClient(int port, String pathAndQuery) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    String key = Base64.getEncoder().encodeToString("procwatch-slow-1".getBytes(StandardCharsets.US_ASCII));
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    in = new DataInputStream(socket.getInputStream());
    String status = line();
    if (!status.contains(" 101 ")) throw new IOException("no upgrade: " + status);
    while (!line().isEmpty()) {
      // headers
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) throw new EOFException();
      if (c != '\r') b.append((char) c);
    }
    return b.toString();
  }

  /** The next whole message (continuations joined); null at the end of the connection. */
  Frame next() throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int opcode = -1;
    while (true) {
      int b0;
      try {
        b0 = in.readUnsignedByte();
      } catch (EOFException e) {
        return null;
      }
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) len = in.readUnsignedShort();
      else if (len == 127) len = in.readLong();
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      int op = b0 & 0x0f;
      if (op == 9 || op == 10) continue; // ping / pong frames
      if (op != 0) opcode = op;
      data.write(payload);
      if ((b0 & 0x80) != 0) return new Frame(opcode, data.toByteArray());
    }
  }

  /** Everything until the connection ends: the JSON text messages, and the close frame if one came. */
  List<Frame> readAll() throws IOException {
    List<Frame> frames = new ArrayList<>();
    Frame f;
    while ((f = next()) != null) {
      frames.add(f);
      if (f.opcode() == 8) break;
    }
    return frames;
  }

  static List<JsonNode> texts(List<Frame> frames) {
    List<JsonNode> out = new ArrayList<>();
    for (Frame f : frames) if (f.opcode() == 1) out.add(json(f.text()));
    return out;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
