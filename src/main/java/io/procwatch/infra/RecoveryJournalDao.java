package io.procwatch.infra;

import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.collection.immutable.Seq;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * The journal's DAO of pekko-persistence-jdbc 1.1.1 that answers a recovery's highest-sequence-number query from
 * what the snapshot store's query read just before ({@link RecoverySnapshotDao}, {@link RecoveryHints}) when no
 * write of that persistence id went through this journal since; otherwise the plugin's own query. Writes are
 * {@link BatchJournalDao}'s ({@code jdbc-journal.dao} in {@code conf/persistence.conf} names this class).
 *
 * <p>Every write and delete forgets the ids it touches when it starts and again before its result is handed back:
 * the plugin's journal makes a recovery wait for a write of the same id still in flight and only then reads the
 * highest sequence number, and that read must then see the write.
 */
public class RecoveryJournalDao extends BatchJournalDao {
  private final RecoveryHints hints;

  public RecoveryJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.hints = RecoveryHints.get(mat.system());
  }

  @Override
  public Future<Object> highestSequenceNr(String persistenceId, long fromSequenceNr) {
    long known = hints.take(persistenceId);
    // the plugin's query ignores fromSequenceNr too: the maximum of all the id's rows
    return known >= 0 ? Future.successful(known) : super.highestSequenceNr(persistenceId, fromSequenceNr);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    Runnable forget = () -> messages.foreach(w -> {
      hints.forget(w.persistenceId());
      return BoxedUnit.UNIT;
    });
    forget.run();
    return forgettingAgain(super.asyncWriteMessages(messages), forget);
  }

  @Override
  public Future<BoxedUnit> delete(String persistenceId, long maxSequenceNr) {
    Runnable forget = () -> hints.forget(persistenceId);
    forget.run();
    return forgettingAgain(super.delete(persistenceId, maxSequenceNr), forget);
  }

  /** The same result, handed back only after {@code forget} ran (the journal's next read of the id waits for it). */
  private static <T> Future<T> forgettingAgain(Future<T> result, Runnable forget) {
    return result.transform(done -> {
      forget.run();
      return done;
    }, scala.concurrent.ExecutionContext.parasitic$.MODULE$);
  }
}
