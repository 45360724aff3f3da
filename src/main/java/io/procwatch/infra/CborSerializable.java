package io.procwatch.infra;

/**
 * Marker for every message, event and state that crosses a serialization boundary (journal, snapshot,
 * cluster). Bound to jackson-cbor in {@code conf/pekko.conf}. The stored manifest is the class name, so
 * classes implementing this are never renamed or moved without a Jackson migration (stack.md G5).
 */
public interface CborSerializable {}
