package io.procwatch.rules;

/**
 * The public alert codes of domain.md §3, in code order.
 *
 * <p>An enum rather than strings: the codes are a published contract, each one needs its own evaluation code anyway,
 * and an enum turns a mistyped code into a compile error and lets a {@code switch} over rules be exhaustive.
 * {@link #name()} is the wire form.
 */
public enum RuleId {
  DL01, DL02, DL03, DL04, DL05, DL06, DL07, DL08, DL09, DL10, DL11,
  MP01, MP02, MP03, MP04,
  BG01, BG02, BG03, BG04, BG05, BG06,
  SQ01, SQ02, SQ03, SQ04,
  PT01, PT02, PT03, PT04, PT05, PT06, PT07, PT08, PT09,
  XP01, XP02, XP03, XP04, XP05, XP06, XP07;

  /** The family a code belongs to: its two-letter prefix. */
  public Family family() {
    return Family.valueOf(name().substring(0, 2));
  }

  /** The rule families of domain.md §3, in the domain's order. */
  public enum Family {
    DL("Deadlines", "期限"),
    MP("Minimum periods", "最短期限"),
    BG("Budget and money", "预算与资金"),
    SQ("Sequence", "程序顺序"),
    PT("Patterns in one project", "单个项目的异常模式"),
    XP("Patterns across projects", "跨项目的异常模式");

    private final String en;
    private final String zh;

    Family(String en, String zh) {
      this.en = en;
      this.zh = zh;
    }

    public String en() {
      return en;
    }

    public String zh() {
      return zh;
    }
  }
}
