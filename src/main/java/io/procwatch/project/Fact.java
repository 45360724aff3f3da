package io.procwatch.project;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.procwatch.infra.CborSerializable;
import io.procwatch.rules.CategoryKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One fact of a procurement project, in the public ingest vocabulary of domain.md §2:
 * {@code {"eventId", "projectId", "type", "occurredAt", "actor", "data": {...}}}.
 *
 * <p>The {@code type} travels beside {@code data} (an external type id), so the JSON a client sends,
 * the JSON the API shows and the CBOR the journal stores all have the same shape. Facts are stored for
 * ever: a field is never renamed or removed, only added (with a Jackson migration if needed).
 *
 * @param occurredAt business time: when the step happened, which may be long before it is reported
 */
public record Fact(
    String eventId,
    String projectId,
    Instant occurredAt,
    String actor,
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "type")
        Data data)
    implements CborSerializable {

  @JsonIgnore
  public String type() {
    return Data.typeName(data.getClass());
  }

  /** The type-specific part of a fact; each record checks what its JSON shape cannot. */
  @JsonSubTypes({
    @JsonSubTypes.Type(ProjectRegistered.class),
    @JsonSubTypes.Type(IntentPublished.class),
    @JsonSubTypes.Type(RequirementApproved.class),
    @JsonSubTypes.Type(PlanFiled.class),
    @JsonSubTypes.Type(MethodApproved.class),
    @JsonSubTypes.Type(NoticePublished.class),
    @JsonSubTypes.Type(BidReceived.class),
    @JsonSubTypes.Type(BidsOpened.class),
    @JsonSubTypes.Type(BidDisqualified.class),
    @JsonSubTypes.Type(EvaluationCompleted.class),
    @JsonSubTypes.Type(SupplierConfirmed.class),
    @JsonSubTypes.Type(AwardPublished.class),
    @JsonSubTypes.Type(ChallengeFiled.class),
    @JsonSubTypes.Type(ChallengeAnswered.class),
    @JsonSubTypes.Type(ProcurementFailed.class),
    @JsonSubTypes.Type(ContractSigned.class),
    @JsonSubTypes.Type(ContractPublished.class),
    @JsonSubTypes.Type(ContractAmended.class),
    @JsonSubTypes.Type(Delivered.class),
    @JsonSubTypes.Type(Accepted.class),
    @JsonSubTypes.Type(PaymentMade.class),
    @JsonSubTypes.Type(DepositReturned.class),
    @JsonSubTypes.Type(ProjectClosed.class),
    @JsonSubTypes.Type(ProjectCancelled.class)
  })
  public sealed interface Data extends CborSerializable {
    /** Checks required fields and value ranges; problems are reported against {@code v}. */
    default void validate(Validation v) {}

    /** Every type name of the vocabulary, in life-cycle order. */
    static List<Class<? extends Data>> types() {
      return TYPES;
    }

    static String typeName(Class<?> type) {
      return TYPE_NAMES.get(type);
    }

    static Class<? extends Data> byName(String name) {
      return name == null ? null : BY_NAME.get(name);
    }
  }

  /** The rules ask every fact of a history its type on every evaluation: an annotation lookup each time was ~3% of ingest. */
  private static final ClassValue<String> TYPE_NAMES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      return type.getAnnotation(JsonTypeName.class).value();
    }
  };

  private static final List<Class<? extends Data>> TYPES =
      List.of(
          ProjectRegistered.class, IntentPublished.class, RequirementApproved.class, PlanFiled.class,
          MethodApproved.class, NoticePublished.class, BidReceived.class, BidsOpened.class,
          BidDisqualified.class, EvaluationCompleted.class, SupplierConfirmed.class, AwardPublished.class,
          ChallengeFiled.class, ChallengeAnswered.class, ProcurementFailed.class, ContractSigned.class,
          ContractPublished.class, ContractAmended.class, Delivered.class, Accepted.class, PaymentMade.class,
          DepositReturned.class, ProjectClosed.class, ProjectCancelled.class);

  /** Every line of a batch names its type: a map, not a scan of the vocabulary. */
  private static final java.util.Map<String, Class<? extends Data>> BY_NAME = byTypeName();

  private static java.util.Map<String, Class<? extends Data>> byTypeName() {
    java.util.Map<String, Class<? extends Data>> m = new java.util.HashMap<>();
    for (Class<? extends Data> t : TYPES) m.put(Data.typeName(t), t);
    return java.util.Map.copyOf(m);
  }

  // ---------------------------------------------------------------- enumerations of the vocabulary

  public enum Method {
    OPEN_TENDER,
    INVITED_TENDER,
    COMPETITIVE_NEGOTIATION,
    COMPETITIVE_CONSULTATION,
    INQUIRY,
    SINGLE_SOURCE,
    FRAMEWORK_AGREEMENT,
    E_MALL,
    SELF_PURCHASE;

    /** Methods where suppliers compete and a result is published before the contract (L36, R43). */
    public boolean competitive() {
      return switch (this) {
        case OPEN_TENDER, INVITED_TENDER, COMPETITIVE_NEGOTIATION, COMPETITIVE_CONSULTATION, INQUIRY -> true;
        default -> false;
      };
    }
  }

  public enum SingleSourceGround {
    ONLY_SUPPLIER,
    EMERGENCY,
    ADD_ON
  }

  public enum PaymentKind {
    PREPAY,
    PROGRESS,
    FINAL
  }

  public enum DepositKind {
    BID,
    PERFORMANCE,
    QUALITY
  }

  public record Item(String name, BigDecimal quantity, BigDecimal unitPrice) implements CborSerializable {}

  // ---------------------------------------------------------------- the 24 types of domain.md §2

  /** 立项. */
  @JsonTypeName("ProjectRegistered")
  public record ProjectRegistered(
      String buyer,
      String buyerName,
      String title,
      String budgetProjectId,
      String category,
      CategoryKind categoryKind,
      BigDecimal budget,
      Integer fiscalYear,
      Boolean centralCatalogue,
      List<Item> items)
      implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("buyer", buyer).text("buyerName", buyerName).requiredText("title", title)
          .id("budgetProjectId", budgetProjectId).requiredId("category", category)
          .required("categoryKind", categoryKind).requiredMoney("budget", budget)
          .required("fiscalYear", fiscalYear).range("fiscalYear", fiscalYear, 2000, 2100);
      if (items != null) {
        for (int i = 0; i < items.size(); i++) {
          Item item = items.get(i);
          String at = "items[" + i + "].";
          if (item == null) {
            v.fail("items[" + i + "]", "must not be null");
            continue;
          }
          v.requiredText(at + "name", item.name()).positive(at + "quantity", item.quantity())
              .money(at + "unitPrice", item.unitPrice());
        }
      }
    }
  }

  /** 意向公开. */
  @JsonTypeName("IntentPublished")
  public record IntentPublished() implements Data {}

  /** 需求审查通过. */
  @JsonTypeName("RequirementApproved")
  public record RequirementApproved() implements Data {}

  /** 实施计划备案. */
  @JsonTypeName("PlanFiled")
  public record PlanFiled() implements Data {}

  /** 采购方式确定. */
  @JsonTypeName("MethodApproved")
  public record MethodApproved(Method method, String approvalRef, SingleSourceGround singleSourceGround)
      implements Data {
    @Override
    public void validate(Validation v) {
      v.required("method", method).text("approvalRef", approvalRef);
    }
  }

  /** 公告/文件发出. */
  @JsonTypeName("NoticePublished")
  public record NoticePublished(Instant docIssueAt, Instant bidDeadline) implements Data {
    @Override
    public void validate(Validation v) {
      v.required("docIssueAt", docIssueAt).required("bidDeadline", bidDeadline);
      if (docIssueAt != null && bidDeadline != null && bidDeadline.isBefore(docIssueAt)) {
        v.fail("bidDeadline", "must not be before docIssueAt");
      }
    }
  }

  /** 投标. */
  @JsonTypeName("BidReceived")
  public record BidReceived(
      String supplier,
      String supplierName,
      BigDecimal amount,
      Instant receivedAt,
      Boolean sme,
      String payerAccount,
      String contact,
      String address)
      implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("supplier", supplier).text("supplierName", supplierName).requiredMoney("amount", amount)
          .text("payerAccount", payerAccount).text("contact", contact).text("address", address);
    }
  }

  /** 开标. */
  @JsonTypeName("BidsOpened")
  public record BidsOpened() implements Data {}

  /** 无效投标. */
  @JsonTypeName("BidDisqualified")
  public record BidDisqualified(String supplier, String reason) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("supplier", supplier).text("reason", reason);
    }
  }

  /** 评审结束. */
  @JsonTypeName("EvaluationCompleted")
  public record EvaluationCompleted(List<String> ranking) implements Data {
    @Override
    public void validate(Validation v) {
      v.notBlankElements("ranking", ranking);
    }
  }

  /** 确定中标/成交人. */
  @JsonTypeName("SupplierConfirmed")
  public record SupplierConfirmed(String supplier) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("supplier", supplier);
    }
  }

  /** 中标/成交公告及通知书. */
  @JsonTypeName("AwardPublished")
  public record AwardPublished(String supplier, BigDecimal amount) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("supplier", supplier).requiredMoney("amount", amount);
    }
  }

  /** 质疑. */
  @JsonTypeName("ChallengeFiled")
  public record ChallengeFiled(String challengeId, String supplier) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("challengeId", challengeId).id("supplier", supplier);
    }
  }

  /** 质疑答复. */
  @JsonTypeName("ChallengeAnswered")
  public record ChallengeAnswered(String challengeId, String supplier) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("challengeId", challengeId).id("supplier", supplier);
    }
  }

  /** 废标: returns the project to method selection (re-tender). */
  @JsonTypeName("ProcurementFailed")
  public record ProcurementFailed(String reason) implements Data {
    @Override
    public void validate(Validation v) {
      v.text("reason", reason);
    }
  }

  /** 合同签订. */
  @JsonTypeName("ContractSigned")
  public record ContractSigned(
      String contractId,
      String supplier,
      BigDecimal amount,
      Boolean sme,
      Integer paymentDays,
      Integer acceptanceDays,
      BigDecimal performanceBond)
      implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredId("contractId", contractId).requiredId("supplier", supplier).requiredMoney("amount", amount)
          .range("paymentDays", paymentDays, 0, 365).range("acceptanceDays", acceptanceDays, 0, 365)
          .money("performanceBond", performanceBond);
    }
  }

  /** 合同公告. */
  @JsonTypeName("ContractPublished")
  public record ContractPublished() implements Data {}

  /** 补充合同: the delta may be negative (a reduction). */
  @JsonTypeName("ContractAmended")
  public record ContractAmended(BigDecimal amountDelta, String reason) implements Data {
    @Override
    public void validate(Validation v) {
      v.required("amountDelta", amountDelta).signedMoney("amountDelta", amountDelta).text("reason", reason);
    }
  }

  /** 交付. */
  @JsonTypeName("Delivered")
  public record Delivered() implements Data {}

  /** 履约验收. */
  @JsonTypeName("Accepted")
  public record Accepted() implements Data {}

  /** 支付. */
  @JsonTypeName("PaymentMade")
  public record PaymentMade(BigDecimal amount, PaymentKind kind) implements Data {
    @Override
    public void validate(Validation v) {
      v.requiredMoney("amount", amount).required("kind", kind);
    }
  }

  /** 保证金退还. */
  @JsonTypeName("DepositReturned")
  public record DepositReturned(DepositKind kind, String supplier) implements Data {
    @Override
    public void validate(Validation v) {
      v.required("kind", kind).id("supplier", supplier);
    }
  }

  /** 结项归档. */
  @JsonTypeName("ProjectClosed")
  public record ProjectClosed(String reason) implements Data {
    @Override
    public void validate(Validation v) {
      v.text("reason", reason);
    }
  }

  /** 终止. */
  @JsonTypeName("ProjectCancelled")
  public record ProjectCancelled(String reason) implements Data {
    @Override
    public void validate(Validation v) {
      v.text("reason", reason);
    }
  }
}
