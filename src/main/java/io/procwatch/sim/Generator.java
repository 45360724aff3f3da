package io.procwatch.sim;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.Json;
import io.procwatch.sim.Catalog.Category;
import io.procwatch.sim.Catalog.ItemTemplate;
import io.procwatch.sim.History.Event;
import io.procwatch.sim.History.Planted;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates a procurement history that follows domain.md §2: per project a plausible path (a tender for a
 * government-procurement project, the self-purchase path for the rest), steps on working days in working hours
 * (the service's own {@link WorkCalendar}), every legal and internal deadline met, amounts by category, suppliers
 * with a long-tail (Zipf) market share, and a configurable share of planted irregularities, each tagged with the
 * rule code it must raise. The same options (seed included) always give the same history, byte for byte.
 *
 * <p>A clean project breaks no rule of domain.md §3: tender periods above the minimum, intent published 30+ CD
 * before the notice, three or more distinct valid bids, award below 98% of the budget, budgets and contracts clear
 * of the [0.9·T, T) bands below each threshold, open tender from the public-tender threshold, unit prices within
 * the PT08 standards, and per buyer, category prefix and fiscal year non-open contracts well below the public-tender
 * threshold (XP01) and no supplier above 40% of a buyer's contracted amount (XP02).
 */
public final class Generator {
  /** Rule codes of the planted irregularities. */
  public static final List<String> SINGLE_PROJECT_CODES = List.of("DL01", "PT02", "PT06", "DL05", "BG04", "BG05");
  public static final List<String> CROSS_PROJECT_CODES = List.of("XP01", "XP02");

  private static final ZoneOffset CST = ZoneOffset.ofHours(8);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final BigDecimal PUBLIC_TENDER = new BigDecimal("4000000");
  private static final BigDecimal NON_OPEN_CAP = new BigDecimal("2800000"); // 70% of the public-tender threshold
  private static final double CONCENTRATION_CAP = 0.40;

  /**
   * What to generate.
   *
   * @param seed the random seed: the same options give the same history
   * @param start the first day of the simulated period (registrations fall in [start, start + years))
   * @param years how many years
   * @param projects projects per year (government procurement plus self-procurement purchases)
   * @param governmentShare share of government-procurement projects (49 of 2,890 for the bureau)
   * @param buyers the head office plus its subordinate units
   * @param suppliers size of the supplier market
   * @param irregularShare share of projects with a planted single-project irregularity (0 = a clean history; when
   *     above 0, every kind is planted at least once and one split purchase and one concentration case per year)
   * @param budget total budget per year in yuan
   */
  public record Options(long seed, LocalDate start, int years, int projects, double governmentShare, int buyers,
      int suppliers, double irregularShare, BigDecimal budget) {
    public static final int PROJECTS = 2890;
    public static final double GOVERNMENT_SHARE = 49.0 / 2890.0;
    public static final BigDecimal BUDGET = new BigDecimal("110000000");

    public Options {
      if (years < 1 || years > 10) throw new IllegalArgumentException("years must be 1–10");
      if (projects < 10 || projects > 1_000_000) throw new IllegalArgumentException("projects must be 10–1000000");
      if (governmentShare < 0 || governmentShare > 0.5) throw new IllegalArgumentException("governmentShare must be 0–0.5");
      if (buyers < 3 || buyers > 1000) throw new IllegalArgumentException("buyers must be 3–1000");
      if (suppliers < 10 || suppliers > 1_000_000) throw new IllegalArgumentException("suppliers must be 10–1000000");
      if (irregularShare < 0 || irregularShare > 0.5) throw new IllegalArgumentException("irregular share must be 0–0.5");
      if (budget.signum() <= 0) throw new IllegalArgumentException("budget must be positive");
    }

    /** The bureau's shape: 2,890 approvals a year, 49 of them government procurement, 110 M CNY, 12 units. */
    public static Options bureau(long seed, LocalDate start) {
      return new Options(seed, start, 1, PROJECTS, GOVERNMENT_SHARE, 12, 400, 0.02, BUDGET);
    }

    public Options withProjects(int n) {
      return new Options(seed, start, years, n, governmentShare, buyers, suppliers, irregularShare,
          budget.multiply(BigDecimal.valueOf(n)).divide(BigDecimal.valueOf(PROJECTS), 2, RoundingMode.HALF_UP));
    }

    public Options withIrregularShare(double share) {
      return new Options(seed, start, years, projects, governmentShare, buyers, suppliers, share, budget);
    }
  }

  private final Options options;
  private final WorkCalendar calendar;
  private final Random random;
  private final List<Supplier> suppliers = new ArrayList<>();
  private final double[] supplierWeights;
  private final double[] buyerWeights;
  /** Part of every project id: the same options give the same ids, other options (another seed, size, ...) others. */
  private final String runTag;

  private record Supplier(String id, String name, boolean sme, String account, String contact, String address) {}

  /** A project before its events are written. */
  private static final class Plan {
    String id;
    int buyer;
    Category category;
    boolean government;
    String method;
    BigDecimal budget;
    BigDecimal contract;
    int supplier;
    LocalDate registered;
    int fiscalYear;
    List<Map<String, Object>> items;
    String irregular; // a SINGLE_PROJECT_CODES entry, or null
    boolean planted;  // part of a planted cross-project case
    boolean concentration; // part of the planted XP02 case: its supplier is meant to dominate
  }

  public Generator(Options options, WorkCalendar calendar) {
    this.options = options;
    this.calendar = calendar;
    this.random = new Random(options.seed());
    this.runTag = String.format("%04X", options.toString().hashCode() & 0xFFFF);
    for (int i = 0; i < options.suppliers(); i++) {
      String district = Catalog.DISTRICTS.get(i % Catalog.DISTRICTS.size());
      String kind = Catalog.SUPPLIER_KINDS.get((i / Catalog.DISTRICTS.size()) % Catalog.SUPPLIER_KINDS.size());
      suppliers.add(new Supplier(String.format("SUP-%05d", i + 1), "重庆" + district.substring(0, 2) + "第" + (i + 1) + kind,
          random.nextDouble() < 0.8, String.format("6222-0210-%08d", i + 1), String.format("139%08d", 10_000_000 + i + 1),
          "重庆市" + district + "某路" + (i + 1) + "号"));
    }
    supplierWeights = new double[options.suppliers()];
    for (int i = 0; i < supplierWeights.length; i++) supplierWeights[i] = 1.0 / (i + 1); // Zipf, s = 1
    buyerWeights = new double[options.buyers()];
    buyerWeights[0] = 3.0; // the head office buys most
    for (int i = 1; i < buyerWeights.length; i++) buyerWeights[i] = 1.0 / Math.pow(i, 0.7);
    buyerWeights[buyerWeights.length - 1] = 0.15; // one small unit (where a concentration case is visible)
  }

  public static History generate(Options options, WorkCalendar calendar) {
    return new Generator(options, calendar).run();
  }

  public static String buyerId(int i) {
    return String.format("CQ-%03d", i);
  }

  static String buyerName(int i) {
    return i < Catalog.UNIT_NAMES.size() ? (i == 0 ? Catalog.UNIT_NAMES.get(0) : "重庆市某局" + Catalog.UNIT_NAMES.get(i))
        : "重庆市某局直属单位" + i;
  }

  // ------------------------------------------------------------------------------------------------- planning

  private History run() {
    List<Event> events = new ArrayList<>();
    List<Planted> planted = new ArrayList<>();
    int gov = 0;
    int self = 0;
    BigDecimal budget = BigDecimal.ZERO;
    for (int y = 0; y < options.years(); y++) {
      LocalDate from = options.start().plusYears(y);
      List<Plan> plans = planYear(from, from.plusYears(1), planted);
      plans.sort(Comparator.comparing((Plan p) -> p.registered).thenComparing(p -> p.id));
      for (Plan p : plans) {
        if (p.government) gov++; else self++;
        budget = budget.add(p.budget);
        events.addAll(render(p, events.size()));
      }
    }
    return new History(List.copyOf(events), List.copyOf(planted), gov, self, budget);
  }

  private List<Plan> planYear(LocalDate from, LocalDate until, List<Planted> planted) {
    int n = options.projects();
    int govCount = (int) Math.round(n * options.governmentShare());
    int selfCount = n - govCount;
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; d.isBefore(until); d = d.plusDays(1)) if (calendar.isWorkingDay(d)) days.add(d);
    int govDays = Math.max(1, days.size() * 2 / 3); // tenders are registered early enough to finish in the year
    Map<String, BigDecimal> nonOpen = new HashMap<>(); // XP01 sums: buyer|prefix|FY
    List<Plan> plans = new ArrayList<>();
    String yearTag = String.valueOf(from.getYear());

    // Government procurement: larger amounts, a tender, the larger units.
    List<Category> govCats = Catalog.CATEGORIES.stream().filter(Category::government).toList();
    for (int i = 0; i < govCount; i++) {
      Plan p = new Plan();
      p.id = String.format("CQZC-%s-%s-%04d", yearTag, runTag, i + 1);
      p.government = true;
      p.buyer = pick(buyerWeights, Math.max(1, options.buyers() / 2));
      p.category = govCats.get(random.nextInt(govCats.size()));
      p.registered = days.get(random.nextInt(govDays));
      p.fiscalYear = p.registered.getYear();
      double b = 1_500_000 * Math.exp(0.55 * random.nextGaussian());
      if (b < 1_050_000) b = 1_050_000 + random.nextDouble() * 400_000;
      b = Math.min(b, 9_000_000);
      if (b >= 3_550_000 && b < 4_050_000) b = 3_300_000 + random.nextDouble() * 200_000;
      p.budget = Catalog.yuan(Math.round(b / 100) * 100.0);
      double m = random.nextDouble();
      p.method = m < 0.55 ? "OPEN_TENDER" : m < 0.85 ? "COMPETITIVE_CONSULTATION" : m < 0.95 ? "COMPETITIVE_NEGOTIATION" : "INQUIRY";
      if (p.budget.compareTo(new BigDecimal("2500000")) >= 0) p.method = "OPEN_TENDER";
      if (!p.method.equals("OPEN_TENDER")) {
        String key = p.buyer + "|" + p.category.prefix() + "|" + p.fiscalYear;
        if (nonOpen.getOrDefault(key, BigDecimal.ZERO).add(p.budget).compareTo(NON_OPEN_CAP) > 0) p.method = "OPEN_TENDER";
        else nonOpen.merge(key, p.budget, BigDecimal::add);
      }
      p.supplier = pick(supplierWeights, suppliers.size());
      // the award: 82–92% of the budget, clear of the band just below a threshold (PT09)
      double ratio = 0.82 + random.nextDouble() * 0.1;
      for (int k = 0; nearThreshold(p.budget.doubleValue() * ratio) && k < 21; k++) ratio = 0.82 + k * 0.005;
      p.contract = Catalog.yuan(Math.round(p.budget.doubleValue() * ratio));
      plans.add(p);
    }

    // Self procurement: many small purchases, the long tail of food, grain and oil, daily necessities, bedding.
    double[] selfTargets = new double[selfCount];
    double sum = 0;
    for (int i = 0; i < selfCount; i++) {
      selfTargets[i] = 4_500 * Math.exp(1.25 * random.nextGaussian());
      sum += selfTargets[i];
    }
    BigDecimal govBudget = plans.stream().map(p -> p.budget).reduce(BigDecimal.ZERO, BigDecimal::add);
    // the planted split purchase (12 × about 375,000) is part of the year's budget
    double splitCase = options.irregularShare() > 0 ? 12 * 375_000 : 0;
    double selfBudget = Math.max(options.budget().subtract(govBudget).doubleValue() - splitCase, selfCount * 1_000.0);
    double scale = sum > 0 ? selfBudget / sum : 1;
    double[] catWeights = Catalog.CATEGORIES.stream().mapToDouble(Category::selfWeight).toArray();
    for (int i = 0; i < selfCount; i++) {
      Plan p = new Plan();
      p.id = String.format("CQZZ-%s-%s-%05d", yearTag, runTag, i + 1);
      p.registered = days.get(random.nextInt(days.size()));
      p.fiscalYear = p.registered.getYear();
      double target = clamp(selfTargets[i] * scale, 300, 380_000);
      p.buyer = pick(buyerWeights, buyerWeights.length);
      p.category = Catalog.CATEGORIES.get(pick(catWeights, catWeights.length));
      String key = p.buyer + "|" + p.category.prefix() + "|" + p.fiscalYear;
      for (int tries = 0; tries < 40 && nonOpen.getOrDefault(key, BigDecimal.ZERO).doubleValue() + target > NON_OPEN_CAP.doubleValue(); tries++) {
        p.buyer = pick(buyerWeights, buyerWeights.length);
        p.category = Catalog.CATEGORIES.get(pick(catWeights, catWeights.length));
        key = p.buyer + "|" + p.category.prefix() + "|" + p.fiscalYear;
      }
      selfAmounts(p, target);
      nonOpen.merge(key, p.budget, BigDecimal::add);
      double m = random.nextDouble();
      p.method = m < 0.6 ? "SELF_PURCHASE" : m < 0.9 ? "E_MALL" : "FRAMEWORK_AGREEMENT";
      p.supplier = pick(supplierWeights, suppliers.size());
      plans.add(p);
    }

    if (options.irregularShare() > 0) {
      plantSplitPurchase(plans, days, yearTag, planted);
      plantConcentration(plans, days, yearTag, planted);
    }
    // the planted cross-project cases take the place of ordinary purchases: the year keeps its size
    for (int i = plans.size() - 1; plans.size() > n && i >= 0; i--) {
      if (!plans.get(i).government && !plans.get(i).planted) plans.remove(i);
    }
    spreadConcentration(plans);
    if (options.irregularShare() > 0) plantSingleProject(plans, govCount, selfCount, planted);
    return plans;
  }

  /** Items whose quantities make up about {@code target} yuan; budget = Σ quantity × unit price, contract just below. */
  private void selfAmounts(Plan p, double target) {
    List<ItemTemplate> templates = p.category.items();
    if (templates.isEmpty()) {
      p.budget = Catalog.yuan(Math.max(300, Math.round(target)));
      p.items = null;
    } else {
      int k = 1 + random.nextInt(templates.size());
      List<Map<String, Object>> items = new ArrayList<>();
      BigDecimal total = BigDecimal.ZERO;
      for (int j = 0; j < k; j++) {
        ItemTemplate t = templates.get(j);
        BigDecimal price = Catalog.yuan(t.minPrice() + random.nextDouble() * (t.maxPrice() - t.minPrice()));
        long qty = Math.max(1, Math.round(target / k / price.doubleValue()));
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", t.name());
        item.put("quantity", BigDecimal.valueOf(qty));
        item.put("unitPrice", price);
        items.add(item);
        total = total.add(price.multiply(BigDecimal.valueOf(qty)));
      }
      p.items = items;
      p.budget = total.setScale(2, RoundingMode.HALF_UP);
    }
    BigDecimal ratio = BigDecimal.valueOf(0.92 + random.nextInt(801) / 10_000.0); // 0.92–1.00
    p.contract = p.budget.multiply(ratio).setScale(2, RoundingMode.DOWN);
  }

  /** XP01: a unit splits one bedding purchase into a dozen self purchases that together pass the open-tender threshold. */
  private void plantSplitPurchase(List<Plan> plans, List<LocalDate> days, String yearTag, List<Planted> planted) {
    int buyer = 1 + random.nextInt(Math.max(1, options.buyers() - 2));
    Category bedding = Catalog.CATEGORIES.stream().filter(c -> c.name().equals("被服")).findFirst().orElseThrow();
    // the unit's other bedding purchases this year go elsewhere, so that the case is exactly these projects
    for (Plan p : plans) {
      if (!p.government && p.buyer == buyer && p.category == bedding) p.buyer = 0;
    }
    int supplier = pick(supplierWeights, suppliers.size());
    List<String> ids = new ArrayList<>();
    int start = random.nextInt(Math.max(1, days.size() / 2));
    for (int i = 0; i < 12; i++) {
      Plan p = new Plan();
      p.id = String.format("CQZZ-%s-%s-X1%02d", yearTag, runTag, i + 1);
      p.buyer = buyer;
      p.category = bedding;
      p.registered = days.get(Math.min(days.size() - 1, start + i * 3));
      p.fiscalYear = p.registered.getYear();
      selfAmounts(p, 360_000 + random.nextInt(30_000));
      p.method = "SELF_PURCHASE";
      p.supplier = (supplier + i) % suppliers.size();
      p.planted = true;
      plans.add(p);
      ids.add(p.id);
    }
    planted.add(new Planted("XP01", "split purchase: 12 self purchases of bedding by one unit, together above the "
        + "public-tender threshold", ids, buyerId(buyer), null));
  }

  /** XP02: the smallest unit buys most of its year from one supplier. */
  private void plantConcentration(List<Plan> plans, List<LocalDate> days, String yearTag, List<Planted> planted) {
    int buyer = options.buyers() - 1;
    double total = 0;
    for (Plan p : plans) if (p.buyer == buyer && !p.planted) total += p.contract.doubleValue();
    int supplier = suppliers.size() - 1; // a supplier from the far end of the tail
    double each = clamp(total * 0.3, 2_000, 380_000);
    int count = Math.max(6, (int) Math.ceil(total * 1.5 / each));
    List<Category> cats = Catalog.CATEGORIES.stream().filter(c -> c.selfWeight() > 0 && !c.name().equals("被服")).toList();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Plan p = new Plan();
      p.id = String.format("CQZZ-%s-%s-X2%02d", yearTag, runTag, i + 1);
      p.buyer = buyer;
      p.category = cats.get(i % cats.size());
      p.registered = days.get(random.nextInt(days.size()));
      p.fiscalYear = p.registered.getYear();
      selfAmounts(p, each);
      p.method = "E_MALL";
      p.supplier = supplier;
      p.planted = true;
      p.concentration = true;
      plans.add(p);
      ids.add(p.id);
    }
    planted.add(new Planted("XP02", "concentration: one supplier takes most of a unit's contracted amount in the year",
        ids, buyerId(buyer), suppliers.get(supplier).id()));
  }

  /**
   * No clean supplier above {@link #CONCENTRATION_CAP} of a buyer's year where XP02 could speak (5+ contracts
   * in the year, or 4+ of the supplier's): XP02 stays quiet. An ordinary purchase moves to another supplier; a
   * dominant government project (one large tender in a small unit's year) becomes a head-office project.
   */
  private void spreadConcentration(List<Plan> plans) {
    for (int pass = 0; pass < 5; pass++) {
      boolean movedBuyer = false;
      Map<String, List<Plan>> byBuyerYear = new LinkedHashMap<>();
      for (Plan p : plans) byBuyerYear.computeIfAbsent(p.buyer + "|" + p.fiscalYear, k -> new ArrayList<>()).add(p);
      for (List<Plan> group : byBuyerYear.values()) {
        for (int round = 0; round < 50; round++) {
          double total = 0;
          Map<Integer, Double> amount = new HashMap<>();
          Map<Integer, Integer> count = new HashMap<>();
          for (Plan p : group) {
            total += p.contract.doubleValue();
            amount.merge(p.supplier, p.contract.doubleValue(), Double::sum);
            count.merge(p.supplier, 1, Integer::sum);
          }
          Integer worst = null;
          for (var e : amount.entrySet()) {
            boolean plantedOne = group.stream().anyMatch(p -> p.concentration && p.supplier == e.getKey());
            boolean judged = count.get(e.getKey()) >= 4 || group.size() >= 5;
            if (!plantedOne && judged && e.getValue() > CONCENTRATION_CAP * total) worst = e.getKey();
          }
          if (worst == null) break;
          int w = worst;
          // a split purchase's supplier may move too: XP01 is about the sum, not who supplied it
          Plan ordinary = group.stream().filter(p -> p.supplier == w && !p.government && !p.concentration)
              .findFirst().orElse(null);
          if (ordinary != null) {
            ordinary.supplier = random.nextInt(suppliers.size());
            continue;
          }
          Plan tender = group.stream().filter(p -> p.supplier == w && p.government && p.buyer != 0)
              .findFirst().orElse(null);
          if (tender == null) break;
          tender.buyer = 0;
          group.remove(tender);
          movedBuyer = true;
        }
      }
      if (!movedBuyer) break;
    }
  }

  private void plantSingleProject(List<Plan> plans, int govCount, int selfCount, List<Planted> planted) {
    int nGov = Math.min(govCount / 2, Math.max(3, (int) Math.round(options.irregularShare() * govCount)));
    int nSelf = Math.min(selfCount / 2, Math.max(3, (int) Math.round(options.irregularShare() * selfCount)));
    List<Plan> gov = new ArrayList<>();
    List<Plan> self = new ArrayList<>();
    for (Plan p : plans) {
      if (p.planted) continue;
      (p.government ? gov : self).add(p);
    }
    java.util.Collections.shuffle(gov, random);
    java.util.Collections.shuffle(self, random);
    List<String> govKinds = List.of("DL01", "PT02", "PT06");
    List<String> selfKinds = List.of("DL05", "BG04", "BG05");
    for (int i = 0; i < nGov && i < gov.size(); i++) plant(gov.get(i), govKinds.get(i % 3), planted);
    for (int i = 0; i < nSelf && i < self.size(); i++) plant(self.get(i), selfKinds.get(i % 3), planted);
  }

  private void plant(Plan p, String code, List<Planted> planted) {
    p.irregular = code;
    String kind = switch (code) {
      case "DL01" -> "late contract: signed 38–48 calendar days after the award (limit 30)";
      case "PT02" -> "identical bids: two losing bidders quote exactly the same amount";
      case "PT06" -> "linked bidders: two bidders pay their deposits from the same account";
      case "DL05" -> "late payment to an SME: paid 8–20 days after the contract's payment period";
      case "BG04" -> "over-payment: the final payment exceeds the contract amount";
      case "BG05" -> "payment before acceptance";
      default -> throw new IllegalArgumentException(code);
    };
    planted.add(new Planted(code, kind, List.of(p.id), buyerId(p.buyer), null));
  }

  // --------------------------------------------------------------------------------------------------- events

  /** Collects a project's events, then orders them by business time. */
  private final class Trail {
    final Plan p;
    final List<Object[]> steps = new ArrayList<>(); // {Instant, type, actor, data}

    Trail(Plan p) {
      this.p = p;
    }

    void add(Instant at, String type, String actor, Map<String, Object> data) {
      steps.add(new Object[] {at, type, actor, data});
    }

    List<Event> events(int base) {
      List<Object[]> sorted = new ArrayList<>(steps);
      sorted.sort(Comparator.comparing(s -> (Instant) s[0]));
      List<Event> out = new ArrayList<>();
      for (Object[] s : sorted) {
        String eventId = String.format("%s-%02d", p.id, out.size() + 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", eventId);
        m.put("projectId", p.id);
        m.put("type", s[1]);
        m.put("occurredAt", ((Instant) s[0]).atOffset(CST).format(ISO));
        if (s[2] != null) m.put("actor", s[2]);
        if (s[3] != null) m.put("data", s[3]);
        try {
          out.add(new Event((Instant) s[0], p.id, (String) s[1], base + out.size(), Json.mapper().writeValueAsString(m)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return out;
    }
  }

  private List<Event> render(Plan p, int base) {
    Trail t = new Trail(p);
    Map<String, Object> reg = new LinkedHashMap<>();
    reg.put("buyer", buyerId(p.buyer));
    reg.put("buyerName", buyerName(p.buyer));
    reg.put("title", p.category.name() + (p.government ? "项目" : "采购"));
    reg.put("budgetProjectId", String.format("YS-%d-%03d-%02d", p.fiscalYear, p.buyer, Catalog.CATEGORIES.indexOf(p.category)));
    reg.put("category", p.category.code());
    reg.put("categoryKind", p.category.kind().name());
    reg.put("budget", p.budget);
    reg.put("fiscalYear", p.fiscalYear);
    reg.put("centralCatalogue", p.category.centralCatalogue());
    if (p.items != null) reg.put("items", p.items);
    LocalDate day = p.registered;
    t.add(at(day), "ProjectRegistered", staff(), reg);
    if (p.government) renderTender(t, p, day); else renderSelf(t, p, day);
    return t.events(base);
  }

  private void renderSelf(Trail t, Plan p, LocalDate registered) {
    LocalDate d = wd(registered, 1, 2);
    t.add(at(d), "RequirementApproved", staff(), null);
    d = wd(d, 1, 2);
    t.add(at(d), "MethodApproved", staff(), map("method", p.method));
    d = wd(d, 1, 5);
    Supplier s = suppliers.get(p.supplier);
    boolean sme = s.sme() || "DL05".equals(p.irregular);
    Map<String, Object> contract = map("contractId", "HT-" + p.id, "supplier", s.id(), "amount", p.contract, "sme", sme,
        "paymentDays", 30, "acceptanceDays", 15);
    t.add(at(d), "ContractSigned", null, contract);
    LocalDate published = wd(d, 1, 1); // R50: within 2 WD
    t.add(at(published), "ContractPublished", null, null);
    LocalDate delivered = wd(published, 1, 10);
    t.add(at(delivered), "Delivered", null, null);
    LocalDate accepted = wdWithin(delivered, 1, 3, 13);
    BigDecimal paid = p.contract;
    LocalDate payDay;
    if ("BG05".equals(p.irregular)) {
      // paid on delivery, accepted afterwards
      payDay = delivered;
      accepted = wd(delivered, 1, 3);
      t.add(at(delivered).plusSeconds(3600 * 1), "PaymentMade", null, map("amount", paid, "kind", "FINAL"));
    } else if ("DL05".equals(p.irregular)) {
      payDay = onWorkingDay(accepted.plusDays(30 + 8 + random.nextInt(13)));
    } else {
      payDay = wdWithin(accepted, 2, 10, 27);
    }
    t.add(at(accepted), "Accepted", staff(), null);
    if ("BG04".equals(p.irregular)) {
      paid = p.contract.multiply(new BigDecimal("1.08")).setScale(2, RoundingMode.HALF_UP);
    }
    if (!"BG05".equals(p.irregular)) t.add(at(payDay), "PaymentMade", null, map("amount", paid, "kind", "FINAL"));
    LocalDate closed = wd(payDay.isAfter(accepted) ? payDay : accepted, 1, 3);
    t.add(at(closed), "ProjectClosed", null, map("reason", "归档"));
  }

  private void renderTender(Trail t, Plan p, LocalDate registered) {
    LocalDate intent = wd(registered, 1, 1);
    t.add(at(intent), "IntentPublished", null, null);
    LocalDate d = wd(intent, 18, 21);
    t.add(at(d), "RequirementApproved", staff(), null);
    d = wd(d, 1, 3);
    t.add(at(d), "PlanFiled", null, null);
    d = wd(d, 1, 3);
    t.add(at(d), "MethodApproved", staff(), map("method", p.method, "approvalRef", "审批-" + p.id));
    LocalDate notice = wd(d, 1, 3);
    LocalDate earliest = intent.plusDays(31);
    if (notice.isBefore(earliest)) notice = calendar.isWorkingDay(earliest) ? earliest : calendar.nextWorkingDay(earliest);
    Instant docIssue = at(notice);
    LocalDate deadlineDay = switch (p.method) {
      case "OPEN_TENDER" -> onWorkingDay(notice.plusDays(21 + random.nextInt(8)));
      case "COMPETITIVE_CONSULTATION" -> onWorkingDay(notice.plusDays(11 + random.nextInt(5)));
      default -> wd(notice, 4, 6);
    };
    Instant bidDeadline = deadlineDay.atTime(9, 30).toInstant(CST);
    t.add(docIssue, "NoticePublished", null, map("docIssueAt", docIssue.atOffset(CST).format(ISO),
        "bidDeadline", bidDeadline.atOffset(CST).format(ISO)));

    // bidders: the winner and 2–5 others, distinct; winner quotes lowest
    int others = (p.method.equals("OPEN_TENDER") ? 3 : 2) + random.nextInt(3);
    List<Integer> bidders = new ArrayList<>();
    bidders.add(p.supplier);
    while (bidders.size() < others + 1) {
      int s = random.nextInt(suppliers.size());
      if (!bidders.contains(s)) bidders.add(s);
    }
    List<BigDecimal> amounts = new ArrayList<>();
    double winning = p.contract.doubleValue();
    amounts.add(p.contract);
    for (int i = 1; i < bidders.size(); i++) {
      amounts.add(Catalog.yuan(Math.round(winning * (1.01 + 0.005 * i + random.nextDouble() * 0.004))));
    }
    if ("PT02".equals(p.irregular)) amounts.set(2, amounts.get(1));
    List<LocalDate> bidDays = new ArrayList<>();
    for (LocalDate x = calendar.nextWorkingDay(notice); x.isBefore(deadlineDay); x = calendar.nextWorkingDay(x)) bidDays.add(x);
    if (bidDays.isEmpty()) bidDays.add(notice);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < bidders.size(); i++) order.add(i);
    java.util.Collections.shuffle(order, random);
    for (int i : order) {
      Supplier s = suppliers.get(bidders.get(i));
      LocalDate bd = bidDays.get(random.nextInt(bidDays.size()));
      Instant receivedAt = bd.equals(notice) ? docIssue.plusSeconds(600 + random.nextInt(3600)) : at(bd);
      String account = s.account();
      if ("PT06".equals(p.irregular) && i == 2) account = suppliers.get(bidders.get(1)).account();
      t.add(receivedAt, "BidReceived", null, map("supplier", s.id(), "supplierName", s.name(), "amount", amounts.get(i),
          "receivedAt", receivedAt.atOffset(CST).format(ISO), "sme", s.sme(), "payerAccount", account,
          "contact", s.contact(), "address", s.address()));
    }
    t.add(bidDeadline, "BidsOpened", null, null);
    Instant evaluated = deadlineDay.atTime(14, 0).plusMinutes(random.nextInt(180)).toInstant(CST);
    List<String> ranking = new ArrayList<>();
    List<Integer> byAmount = new ArrayList<>(order);
    byAmount.sort(Comparator.comparing(amounts::get).thenComparing(i -> i));
    for (int i : byAmount) ranking.add(suppliers.get(bidders.get(i)).id());
    t.add(evaluated, "EvaluationCompleted", null, map("ranking", ranking));
    String winner = suppliers.get(p.supplier).id();
    LocalDate confirmed = wd(deadlineDay, 1, 2);
    t.add(at(confirmed), "SupplierConfirmed", staff(), map("supplier", winner));
    LocalDate awarded = wd(confirmed, 1, 1);
    t.add(at(awarded), "AwardPublished", null, map("supplier", winner, "amount", p.contract));
    for (int i = 1; i < bidders.size(); i++) {
      t.add(at(wd(awarded, 1, 3)), "DepositReturned", null, map("kind", "BID", "supplier", suppliers.get(bidders.get(i)).id()));
    }
    LocalDate signed = "DL01".equals(p.irregular) ? onWorkingDay(awarded.plusDays(38 + random.nextInt(11)))
        : wdWithin(awarded, 2, 8, 25);
    Supplier w = suppliers.get(p.supplier);
    boolean bond = p.method.equals("OPEN_TENDER") && random.nextDouble() < 0.4;
    Map<String, Object> contract = map("contractId", "HT-" + p.id, "supplier", winner, "amount", p.contract, "sme", w.sme(),
        "paymentDays", 30, "acceptanceDays", 15);
    if (bond) contract.put("performanceBond", p.contract.multiply(new BigDecimal("0.05")).setScale(2, RoundingMode.HALF_UP));
    t.add(at(signed), "ContractSigned", null, contract);
    LocalDate published = wd(signed, 1, 1);
    t.add(at(published), "ContractPublished", null, null);
    LocalDate winnerDeposit = wd(signed, 1, 3);
    t.add(at(winnerDeposit), "DepositReturned", null, map("kind", "BID", "supplier", winner));
    LocalDate delivered = wd(published, 5, 30);
    t.add(at(delivered), "Delivered", null, null);
    LocalDate accepted = wdWithin(delivered, 1, 6, 13);
    t.add(at(accepted), "Accepted", staff(), null);
    LocalDate paid = wdWithin(accepted, 3, 12, 27);
    t.add(at(paid), "PaymentMade", null, map("amount", p.contract, "kind", "FINAL"));
    LocalDate last = paid.isAfter(winnerDeposit) ? paid : winnerDeposit;
    if (bond) {
      LocalDate returned = wdWithin(accepted, 3, 10, 27);
      t.add(at(returned), "DepositReturned", null, map("kind", "PERFORMANCE", "supplier", winner));
      if (returned.isAfter(last)) last = returned;
    }
    t.add(at(wd(last, 1, 3)), "ProjectClosed", null, map("reason", "归档"));
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private String staff() {
    return Catalog.STAFF.get(random.nextInt(Catalog.STAFF.size()));
  }

  /** A time in working hours (09:00–16:59) on a working day. */
  private Instant at(LocalDate day) {
    return day.atTime(LocalTime.of(9, 0).plusMinutes(random.nextInt(8 * 60))).toInstant(CST);
  }

  private LocalDate onWorkingDay(LocalDate d) {
    return calendar.isWorkingDay(d) ? d : calendar.nextWorkingDay(d);
  }

  /** {@code min..max} working days after {@code from}. */
  private LocalDate wd(LocalDate from, int min, int max) {
    int k = min + random.nextInt(max - min + 1);
    LocalDate d = from;
    for (int i = 0; i < k; i++) d = calendar.nextWorkingDay(d);
    return d;
  }

  /** Like {@link #wd}, but at most {@code maxCd} calendar days after {@code from} (holidays can stretch a week). */
  private LocalDate wdWithin(LocalDate from, int min, int max, int maxCd) {
    LocalDate d = wd(from, min, max);
    while (ChronoUnit.DAYS.between(from, d) > maxCd) {
      LocalDate earlier = calendar.previousWorkingDay(d);
      if (!earlier.isAfter(from)) break;
      d = earlier;
    }
    return d;
  }

  private int pick(double[] weights, int limit) {
    double total = 0;
    for (int i = 0; i < limit; i++) total += weights[i];
    double r = random.nextDouble() * total;
    for (int i = 0; i < limit; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return limit - 1;
  }

  /** In [0.9·T, T) for the procurement limit (1 M) or the public-tender threshold (4 M) of chongqing-2024. */
  private static boolean nearThreshold(double v) {
    return (v >= 900_000 && v < 1_000_000) || (v >= 3_600_000 && v < 4_000_000);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
