package io.procwatch.rules;

import java.util.Set;

/**
 * The names of domain.md §2 that rule parameters may refer to, so that a misspelt event type or method in
 * {@code rules.conf} stops the service at start instead of silently never matching. Kept as strings: the ingest
 * model owns the real types, and the catalogue must not depend on it.
 */
final class Vocabulary {
  private Vocabulary() {}

  static final Set<String> EVENT_TYPES = Set.of(
      "ProjectRegistered", "IntentPublished", "RequirementApproved", "PlanFiled", "MethodApproved",
      "NoticePublished", "BidReceived", "BidsOpened", "BidDisqualified", "EvaluationCompleted",
      "SupplierConfirmed", "AwardPublished", "ChallengeFiled", "ChallengeAnswered", "ProcurementFailed",
      "ContractSigned", "ContractPublished", "ContractAmended", "Delivered", "Accepted", "PaymentMade",
      "DepositReturned", "ProjectClosed", "ProjectCancelled");

  static final Set<String> METHODS = Set.of(
      "OPEN_TENDER", "INVITED_TENDER", "COMPETITIVE_NEGOTIATION", "COMPETITIVE_CONSULTATION", "INQUIRY",
      "SINGLE_SOURCE", "FRAMEWORK_AGREEMENT", "E_MALL", "SELF_PURCHASE");

  static final Set<String> PAYMENT_KINDS = Set.of("PREPAY", "PROGRESS", "FINAL");

  static final Set<String> DEPOSIT_KINDS = Set.of("BID", "PERFORMANCE", "QUALITY");

  /** ContractSigned fields that carry a per-contract number of days. */
  static final Set<String> CONTRACT_DAY_FIELDS = Set.of("paymentDays", "acceptanceDays");

  /** BidReceived fields that identify who stands behind a bid. */
  static final Set<String> BIDDER_FIELDS = Set.of("payerAccount", "contact", "address", "supplierName");
}
