package io.procwatch.rules;

import io.procwatch.infra.CborSerializable;

/**
 * What a rule found about one fact: the rule code (domain.md §3), its severity, the subject it is about
 * (a supplier, a contract, a step; part of the alert identity of §5) and a human-readable message.
 */
public record Finding(String rule, Severity severity, String subject, String message) implements CborSerializable {}
