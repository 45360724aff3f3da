package io.procwatch.alert;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.procwatch.infra.CborSerializable;
import java.time.Instant;

/** One transition of an alert, as persisted by the owning project and numbered by the alert read side. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AlertChange.Raised.class, name = "RAISED"),
  @JsonSubTypes.Type(value = AlertChange.Acknowledged.class, name = "ACKNOWLEDGED"),
  @JsonSubTypes.Type(value = AlertChange.Resolved.class, name = "RESOLVED")
})
public sealed interface AlertChange extends CborSerializable {
  String alertId();

  Instant at();

  /** The alert as it is after this change. */
  Alert apply(Alert before);

  /** A new alert; {@code alert} is its first version. */
  record Raised(Alert alert) implements AlertChange {
    @Override
    public String alertId() {
      return alert.id();
    }

    @Override
    public Instant at() {
      return alert.raisedAt();
    }

    @Override
    public Alert apply(Alert before) {
      return alert;
    }
  }

  record Acknowledged(String alertId, String by, String note, Instant at) implements AlertChange {
    @Override
    public Alert apply(Alert before) {
      return before.acknowledged(new Alert.Acknowledgement(by, note, at));
    }
  }

  /**
   * @param by the supervisor, for a MANUAL resolution; null when the condition cleared
   */
  record Resolved(String alertId, Resolution resolution, String by, String note, Long latenessSeconds, String lateness,
      Instant at) implements AlertChange {
    @Override
    public Alert apply(Alert before) {
      String text = note;
      if (by != null) text = by + (note == null || note.isBlank() ? "" : ": " + note);
      return before.resolved(at, resolution, text, latenessSeconds, lateness);
    }
  }
}
