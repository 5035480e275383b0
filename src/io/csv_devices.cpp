// Utility CSV export format: service transformers, customers, regulators, capacitors and head
// SCADA (docs/utility-csv.md).
#include <cmath>

#include "csv_builder.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/csv_importer.hpp"

namespace feederlab::io::csv {

namespace {

core::SourceLocation where(const Table& t, const Row& r) {
  return cellLocation(t.file(), r.line);
}

XfmrType transformerType(const Table& t, const Row& row) {
  const std::string type = core::toLower(t.text(row, "type"));
  if (type == "split_phase") return XfmrType::SplitPhase;
  if (type == "single_phase") return XfmrType::SinglePhase;
  if (type == "three_phase") return XfmrType::ThreePhase;
  throw t.error(row, "type", "must be split_phase, single_phase or three_phase");
}

// %R and %X from %Z and X/R.
std::pair<double, double> splitZ(const Table& t, const Row& row) {
  const double z = t.positive(row, "z_pct");
  const double xr = t.positive(row, "x_r");
  const double r = z / std::sqrt(1.0 + xr * xr);
  return {r, r * xr};
}

// Split-phase 120/240 V service: 3 windings [primary bus.p.0, secondary bus.1.0, bus.0.2] as
// ieee8500's LoadXfmrCodes.dss, with its proportions: %Rs = [R/2, R, R], XHT = XHL, XLT = 2/3 XHL.
void splitPhaseWindings(model::Transformer& x, model::BusId hv, int phase, model::BusId lv, double kv1,
                        double kv2_total, double kva, double r, double xpct) {
  model::Winding w1, w2, w3;
  w1.terminal = {hv, {phase, 0}};
  w1.kv = kv1;
  w1.r_pct = r / 2.0;
  w2.terminal = {lv, {1, 0}};
  w3.terminal = {lv, {0, 2}};
  for (auto* w : {&w2, &w3}) {
    w->kv = kv2_total / 2.0;
    w->r_pct = r;
  }
  for (auto* w : {&w1, &w2, &w3}) w->kva = kva;
  x.windings = {w1, w2, w3};
  x.xhl_pct = xpct;
  x.xht_pct = xpct;
  x.xlt_pct = xpct * 2.0 / 3.0;
}

void checkSecondaryBase(Builder& b, const Table& t, const Row& row, XfmrType type, model::BusId lv, double kv2) {
  auto& bus = b.feeder.buses[static_cast<std::size_t>(lv)];
  if (type == XfmrType::SplitPhase) {
    // 120/240 V: the 120 V line-to-neutral base expressed line-to-line, as ieee8500 (0.208).
    if (std::fabs(bus.kv_base_ll - 0.24) > 1e-6 && std::fabs(bus.kv_base_ll - 0.208) > 1e-6)
      throw t.error(row, "to_node", "a split-phase secondary node must have nominal_kv 0.24 (or 0.208)");
    if (std::fabs(kv2 - 0.24) > 1e-6) throw t.error(row, "secondary_kv", "a split-phase service is 0.24 kV");
    bus.kv_base_ll = 0.208;
    return;
  }
  const double implied = type == XfmrType::SinglePhase ? kv2 * core::kSqrt3 : kv2;
  if (std::fabs(implied - bus.kv_base_ll) > 0.15 * bus.kv_base_ll)
    throw t.error(row, "secondary_kv", "does not match the nominal_kv of " + bus.name);
}

}  // namespace

void readTransformers(Builder& b, const Table& t) {
  t.requireColumns({"transformer_id", "from_node", "to_node", "phases", "type", "kva", "primary_kv", "secondary_kv",
                    "z_pct", "x_r"});
  for (const auto& row : t.rows()) {
    model::Transformer x;
    x.name = b.newId(t, row, "transformer_id", b.transformer_names);
    x.location = where(t, row);
    const auto type = transformerType(t, row);
    const auto phases = parsePhases(t, row, "phases");
    const auto hv = b.node(t, row, "from_node");
    const auto lv = b.node(t, row, "to_node");
    if (hv == lv) throw t.error(row, "to_node", "a transformer must join two different nodes");
    const double kva = t.positive(row, "kva");
    const double kv1 = t.positive(row, "primary_kv");
    const double kv2 = t.positive(row, "secondary_kv");
    const auto [r, xpct] = splitZ(t, row);
    checkSecondaryBase(b, t, row, type, lv, kv2);
    if (type == XfmrType::ThreePhase) {
      if (phases.size() != 3) throw t.error(row, "phases", "a three_phase transformer needs phases ABC");
      const std::string conn = core::toLower(t.textOr(row, "connection", "wye-wye"));
      if (conn != "wye-wye" && conn != "delta-wye") throw t.error(row, "connection", "must be wye-wye or delta-wye");
      model::Winding w1, w2;
      w1.terminal = {hv, {1, 2, 3, 0}};
      w1.conn = conn == "delta-wye" ? model::Connection::Delta : model::Connection::Wye;
      w1.kv = kv1;
      w2.terminal = {lv, {1, 2, 3, 0}};
      w2.kv = kv2;
      for (auto* w : {&w1, &w2}) {
        w->kva = kva;
        w->r_pct = r / 2.0;
      }
      x.windings = {w1, w2};
      x.xhl_pct = xpct;
    } else {
      if (phases.size() != 1) throw t.error(row, "phases", "a single- or split-phase transformer has one phase");
      x.phases = 1;
      if (type == XfmrType::SplitPhase) {
        splitPhaseWindings(x, hv, phases[0], lv, kv1, kv2, kva, r, xpct);
      } else {
        model::Winding w1, w2;
        w1.terminal = {hv, {phases[0], 0}};
        w1.kv = kv1;
        w2.terminal = {lv, {1, 0}};
        w2.kv = kv2;
        for (auto* w : {&w1, &w2}) {
          w->kva = kva;
          w->r_pct = r / 2.0;
        }
        x.windings = {w1, w2};
        x.xhl_pct = xpct;
      }
    }
    b.service.emplace(x.name, ServiceTransformer{b.feeder.transformers.size(), type, kva, kv2, lv, x.location});
    b.feeder.transformers.push_back(std::move(x));
  }
}

namespace {

model::LoadClass loadClass(const Table& t, const Row& row) {
  const std::string c = core::toLower(t.text(row, "class"));
  if (c == "residential") return model::LoadClass::Residential;
  if (c == "commercial") return model::LoadClass::Commercial;
  if (c == "industrial") return model::LoadClass::Industrial;
  if (c == "other") return model::LoadClass::Other;
  throw t.error(row, "class", "must be residential, commercial, industrial or other");
}

// kW at the study hour: peak_kw when given, else monthly_kwh / (730 h x load factor).
double customerKw(const Table& t, const Row& row, model::LoadClass cls) {
  if (const auto kw = t.optionalNumber(row, "peak_kw")) {
    if (*kw < 0) throw t.error(row, "peak_kw", "must not be negative");
    return *kw;
  }
  const auto kwh = t.optionalNumber(row, "monthly_kwh");
  if (!kwh) throw t.error(row, "peak_kw", "neither peak_kw nor monthly_kwh is given");
  if (*kwh < 0) throw t.error(row, "monthly_kwh", "must not be negative");
  const double lf = t.numberOr(row, "load_factor", defaultLoadFactor(cls));
  if (lf <= 0 || lf > 1) throw t.error(row, "load_factor", "must be in (0, 1]");
  return *kwh / (730.0 * lf);
}

}  // namespace

void readCustomers(Builder& b, const Table& t) {
  t.requireColumns({"customer_id", "transformer_id", "class", "count", "pf"});
  if (!t.hasColumn("peak_kw") && !t.hasColumn("monthly_kwh"))
    throw CellError(t.file(), 1, "peak_kw", "", "the table needs a peak_kw or a monthly_kwh column");
  for (const auto& row : t.rows()) {
    model::Load load;
    load.name = b.newId(t, row, "customer_id", b.load_names);
    load.location = where(t, row);
    const std::string xfmr = core::toLower(t.text(row, "transformer_id"));
    const auto it = b.service.find(xfmr);
    if (it == b.service.end()) throw t.error(row, "transformer_id", "unknown transformer (not in transformers.csv)");
    const auto& st = it->second;
    load.load_class = loadClass(t, row);
    load.num_customers = t.integer(row, "count");
    if (load.num_customers < 1) throw t.error(row, "count", "must be at least 1");
    load.kw = customerKw(t, row, load.load_class);
    load.pf = t.number(row, "pf");
    if (load.pf <= 0 || load.pf > 1) throw t.error(row, "pf", "must be in (0, 1]");
    load.kvar = load.kw * std::tan(std::acos(load.pf));
    load.xfkva = st.kva;
    load.conn = model::Connection::Wye;
    load.status = "variable";
    switch (st.type) {
      case XfmrType::SplitPhase:  // two 120 V halves to the neutral, as ieee8500's Loads.dss
        load.phases = 2;
        load.bus1 = {st.secondary, {1, 2}};
        load.kv = 0.208;
        break;
      case XfmrType::SinglePhase:
        load.phases = 1;
        load.bus1 = {st.secondary, {1}};
        load.kv = st.secondary_kv;
        break;
      case XfmrType::ThreePhase:
        load.phases = 3;
        load.bus1 = {st.secondary, {1, 2, 3}};
        load.kv = st.secondary_kv;
        break;
    }
    b.feeder.loads.push_back(std::move(load));
  }
}

void readRegulators(Builder& b, const Table& t) {
  t.requireColumns({"regulator_id", "from_node", "to_node", "phases", "kva", "vreg_v", "band_v", "pt_ratio"});
  std::set<std::string> ids;
  for (const auto& row : t.rows()) {
    const std::string id = b.newId(t, row, "regulator_id", ids);
    const auto phases = parsePhases(t, row, "phases");
    const auto from = b.node(t, row, "from_node");
    const auto to = b.node(t, row, "to_node");
    const double kva = t.positive(row, "kva");
    const double kv = b.nominalKv(from) / core::kSqrt3;
    const int tap_steps = t.hasColumn("tap") && !t.textOr(row, "tap", "").empty() ? t.integer(row, "tap") : 0;
    if (tap_steps < -16 || tap_steps > 16) throw t.error(row, "tap", "must be between -16 and 16");
    for (const int p : phases) {
      model::Transformer x;
      x.name = id + "_" + static_cast<char>('a' + p - 1);
      if (!b.transformer_names.insert(x.name).second) throw t.error(row, "regulator_id", "duplicate id " + x.name);
      x.location = where(t, row);
      x.phases = 1;
      x.bank = id;
      x.is_regulator = true;
      x.xhl_pct = 0.1;  // as ieee8500's VREG units: xhl=0.1, %loadloss=0.01
      model::Winding w1, w2;
      w1.terminal = {from, {p, 0}};
      w2.terminal = {to, {p, 0}};
      w2.tap = 1.0 + 0.00625 * tap_steps;
      for (auto* w : {&w1, &w2}) {
        w->kv = kv;
        w->kva = kva;
        w->r_pct = 0.005;
      }
      x.windings = {w1, w2};
      model::RegControl rc;
      rc.name = x.name;
      rc.location = x.location;
      rc.transformer = x.name;
      rc.winding = 2;
      rc.vreg = t.positive(row, "vreg_v");
      rc.band = t.positive(row, "band_v");
      rc.pt_ratio = t.positive(row, "pt_ratio");
      rc.ct_primary = t.numberOr(row, "ct_primary_a", 300.0);
      rc.r_ldc = t.numberOr(row, "r_ldc_v", 0.0);
      rc.x_ldc = t.numberOr(row, "x_ldc_v", 0.0);
      b.feeder.transformers.push_back(std::move(x));
      b.feeder.regcontrols.push_back(std::move(rc));
    }
  }
}

void readCapacitors(Builder& b, const Table& t) {
  t.requireColumns({"capacitor_id", "node", "phases", "kvar", "kv"});
  for (const auto& row : t.rows()) {
    model::Capacitor c;
    c.name = b.newId(t, row, "capacitor_id", b.capacitor_names);
    c.location = where(t, row);
    auto nodes = parsePhases(t, row, "phases");
    c.phases = static_cast<int>(nodes.size());
    const std::string conn = core::toLower(t.textOr(row, "connection", "wye"));
    if (conn != "wye" && conn != "delta") throw t.error(row, "connection", "must be wye or delta");
    c.conn = conn == "wye" ? model::Connection::Wye : model::Connection::Delta;
    if (c.conn == model::Connection::Wye) nodes.push_back(0);
    c.bus1 = {b.node(t, row, "node"), nodes};
    c.kv = t.positive(row, "kv");
    c.kvar = {t.positive(row, "kvar")};
    const std::string state = core::toLower(t.textOr(row, "state", "closed"));
    if (state != "open" && state != "closed") throw t.error(row, "state", "must be open or closed");
    c.states = {state == "closed" ? 1 : 0};
    b.feeder.capacitors.push_back(std::move(c));
  }
}

void readScada(Builder& b, const Table& t) {
  t.requireColumns({"feeder_id", "node", "p_kw", "q_kvar"});
  std::set<std::string> ids;
  for (const auto& row : t.rows()) {
    model::OtherElement meter;
    meter.cls = "energymeter";
    meter.name = "scada_" + b.newId(t, row, "feeder_id", ids);
    meter.location = where(t, row);
    b.node(t, row, "node");  // must exist
    meter.kw = t.number(row, "p_kw");
    meter.kvar = t.number(row, "q_kvar");
    b.feeder.others.push_back(std::move(meter));
  }
}

}  // namespace feederlab::io::csv
