package io.procwatch.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Builds ingest JSON lines of the public vocabulary for tests. */
public final class Facts {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Facts() {}

  public static String event(String projectId, String type, String occurredAt, String data) {
    return event("ev-" + SEQ.incrementAndGet(), projectId, type, occurredAt, data);
  }

  public static String event(String eventId, String projectId, String type, String occurredAt, String data) {
    return "{\"eventId\":\"" + eventId + "\",\"projectId\":\"" + projectId + "\",\"type\":\"" + type
        + "\",\"occurredAt\":\"" + occurredAt + "\"" + (data == null ? "" : ",\"data\":" + data) + "}";
  }

  public static String registration(String projectId, String buyer, String budget) {
    return event(projectId, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
        "{\"buyer\":\"" + buyer + "\",\"buyerName\":\"重庆市某局\",\"title\":\"办公设备采购\",\"category\":\"A02010104\","
            + "\"categoryKind\":\"GOODS\",\"budget\":" + budget + ",\"fiscalYear\":2026}");
  }
}
