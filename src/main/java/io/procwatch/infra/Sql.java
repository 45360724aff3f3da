package io.procwatch.infra;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/** Small JDBC helpers shared by the read sides. */
public final class Sql {
  private Sql() {}

  /** Binds an instant as a timestamp with time zone, or SQL NULL. */
  public static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    if (value == null) ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    else ps.setTimestamp(index, Timestamp.from(value));
  }
}
