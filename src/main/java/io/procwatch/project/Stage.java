package io.procwatch.project;

/**
 * Where a project stands in its life cycle (domain.md §2). Declared in life-cycle order: a fact moves
 * the stage forward only, never back, except {@link #PROCUREMENT_FAILED} (a failed procurement returns
 * the project to method selection) and the terminal stages, which nothing leaves.
 */
public enum Stage {
  REGISTERED("立项"),
  INTENT_PUBLISHED("意向公开"),
  REQUIREMENT_APPROVED("需求审查通过"),
  PLAN_FILED("实施计划备案"),
  PROCUREMENT_FAILED("废标待重新采购"),
  METHOD_APPROVED("采购方式确定"),
  NOTICE_PUBLISHED("公告发出"),
  BIDDING("投标中"),
  BIDS_OPENED("已开标"),
  EVALUATED("评审结束"),
  SUPPLIER_CONFIRMED("确定中标人"),
  AWARDED("结果公告"),
  CONTRACT_SIGNED("合同签订"),
  CONTRACT_PUBLISHED("合同公告"),
  DELIVERED("已交付"),
  ACCEPTED("已验收"),
  PAYING("支付中"),
  PAID("已付清"),
  CLOSED("已结项"),
  CANCELLED("已终止");

  private final String zh;

  Stage(String zh) {
    this.zh = zh;
  }

  public String zh() {
    return zh;
  }

  public boolean terminal() {
    return this == CLOSED || this == CANCELLED;
  }
}
