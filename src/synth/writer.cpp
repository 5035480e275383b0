// The utility CSV writer (docs/utility-csv.md): fixed column order and fixed-point numbers, so
// that a generated folder is byte-stable.
#include <fmt/format.h>

#include "feederlab/synth/synth.hpp"

namespace feederlab::synth {

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

std::string nodes(const UtilityTables& t) {
  std::string out = "node_id,x,y,nominal_kv\n";
  for (const auto& n : t.nodes) out += fmt::format("{},{:.0f},{:.0f},{:.3f}\n", n.id, n.x_ft, n.y_ft, n.kv);
  return out;
}

std::string conductors(const UtilityTables& t) {
  std::string out =
      "conductor_id,phases,length_unit,r1,x1,r0,x0,c1_nf,c0_nf,r_matrix,x_matrix,c_matrix_nf,ampacity,description\n";
  for (const auto& c : t.conductors) {
    if (c.phases == 0)
      out += fmt::format("{},,mi,{:.5f},{:.5f},{:.5f},{:.5f},{:.4f},{:.4f},,,,{:.0f},\"{}\"\n", c.id, c.r1, c.x1, c.r0,
                         c.x0, c.c1_nf, c.c0_nf, c.ampacity, c.description);
    else
      out += fmt::format("{},{},mi,,,,,,,{:.5f},{:.5f},{:.4f},{:.0f},\"{}\"\n", c.id, c.phases, c.r1, c.x1, c.c1_nf,
                         c.ampacity, c.description);
  }
  return out;
}

std::string sections(const UtilityTables& t) {
  std::string out = "section_id,from_node,to_node,phases,conductor_id,length,length_unit,construction\n";
  for (const auto& s : t.sections)
    out += fmt::format("{},{},{},{},{},{:.0f},ft,{}\n", s.id, s.from, s.to, s.phases, s.conductor, s.length_ft,
                       s.underground ? "underground" : "overhead");
  return out;
}

std::string switches(const UtilityTables& t) {
  std::string out = "switch_id,from_node,to_node,phases,normal_state,type\n";
  for (const auto& s : t.switches)
    out += fmt::format("{},{},{},{},{},{}\n", s.id, s.from, s.to, s.phases, s.open ? "open" : "closed", s.type);
  return out;
}

std::string transformers(const UtilityTables& t) {
  std::string out = "transformer_id,from_node,to_node,phases,type,kva,primary_kv,secondary_kv,z_pct,x_r,connection\n";
  for (const auto& x : t.transformers)
    out += fmt::format("{},{},{},{},{},{:.1f},{:.3f},{:.3f},{:.3f},{:.3f},{}\n", x.id, x.from, x.to, x.phases, x.type,
                       x.kva, x.kv1, x.kv2, x.z_pct, x.x_r, x.connection);
  return out;
}

std::string customers(const UtilityTables& t) {
  std::string out = "customer_id,transformer_id,class,count,peak_kw,monthly_kwh,pf\n";
  for (const auto& c : t.customers)
    out += fmt::format("{},{},{},{},{:.3f},{:.0f},{:.3f}\n", c.id, c.transformer, c.cls, c.count, c.peak_kw,
                       c.monthly_kwh, c.pf);
  return out;
}

std::string substation(const UtilityTables& t) {
  const auto& s = t.substation;
  return "substation_id,source_node,source_kv,source_pu,sc_mva_3ph,x_r_3ph,sc_mva_1ph,x_r_1ph,transformer_id,bus_node,"
         "mva,primary_kv,secondary_kv,z_pct,x_r,connection,tap_pu\n" +
         fmt::format(
             "{},{},{:.3f},{:.4f},{:.1f},{:.2f},{:.1f},{:.2f},{},{},{:.2f},{:.3f},{:.3f},{:.3f},{:.2f},delta-wye,"
             "{:.5f}\n",
             s.id, s.source_node, s.source_kv, s.source_pu, s.sc_mva_3ph, s.x_r_3ph, s.sc_mva_1ph, s.x_r_1ph,
             s.transformer, s.bus_node, s.mva, s.kv1, s.kv2, s.z_pct, s.x_r, s.tap_pu);
}

std::string regulators(const UtilityTables& t) {
  std::string out =
      "regulator_id,from_node,to_node,phases,kva,vreg_v,band_v,pt_ratio,ct_primary_a,r_ldc_v,x_ldc_v,tap\n";
  for (const auto& r : t.regulators)
    out += fmt::format("{},{},{},{},{:.0f},{:.1f},{:.1f},{:.0f},{:.0f},{:.1f},{:.1f},{}\n", r.id, r.from, r.to,
                       r.phases, r.kva, r.vreg_v, r.band_v, r.pt_ratio, r.ct_primary_a, r.r_ldc_v, r.x_ldc_v, r.tap);
  return out;
}

std::string capacitors(const UtilityTables& t) {
  std::string out = "capacitor_id,node,phases,kvar,kv,connection,state\n";
  for (const auto& c : t.capacitors)
    out += fmt::format("{},{},{},{:.0f},{:.3f},wye,closed\n", c.id, c.node, c.phases, c.kvar, c.kv);
  return out;
}

std::string scada(const UtilityTables& t) {
  std::string out = "feeder_id,node,p_kw,q_kvar,study_hour\n";
  for (const auto& s : t.scada)
    out += fmt::format("{},{},{:.0f},{:.0f},summer weekday 17:00\n", s.feeder, s.node, s.p_kw, s.q_kvar);
  return out;
}

}  // namespace

Files writeUtilityCsv(const UtilityTables& t) {
  return {{"nodes.csv", nodes(t)},
          {"conductors.csv", conductors(t)},
          {"sections.csv", sections(t)},
          {"switches.csv", switches(t)},
          {"transformers.csv", transformers(t)},
          {"customers.csv", customers(t)},
          {"substation.csv", substation(t)},
          {"regulators.csv", regulators(t)},
          {"capacitors.csv", capacitors(t)},
          {"scada.csv", scada(t)}};
}

std::string describe(const SyntheticFeeder& feeder, const Options& options) {
  const auto& s = feeder.summary;
  const auto& sub = feeder.tables.substation;
  const int total = s.customers[0] + s.customers[1] + s.customers[2];
  std::string out;
  out += fmt::format(
      "Generated by `feederlab synth --customers {} --seed {}` (utility CSV export format, "
      "docs/utility-csv.md).\n\n",
      options.customers, options.seed);
  out += "| | customers | kW at the study hour |\n|---|---:|---:|\n";
  static const char* kNames[] = {"residential", "commercial", "industrial"};
  for (int c = 0; c < 3; ++c) out += fmt::format("| {} | {} | {:.1f} |\n", kNames[c], s.customers[c], s.kw[c]);
  out += fmt::format("| total | {} | {:.1f} (+ {:.1f} kvar) |\n\n", total, s.total_kw, s.total_kvar);
  out += fmt::format(
      "- Feeders: {} from one 12.47 kV substation bus; head SCADA (sum) {:.0f} kW, {:.0f} kvar "
      "(loads + estimated losses of {:.0f} kW, less capacitor output).\n",
      s.feeders, s.head_p_kw, s.head_q_kvar, s.est_losses_kw);
  out += fmt::format(
      "- Primary: {:.2f} mi ({:.2f} mi overhead, {:.2f} mi underground), of which {:.2f} mi of "
      "three-phase trunk.\n",
      s.primary_ft / 5280.0, s.overhead_ft / 5280.0, s.underground_ft / 5280.0, s.trunk_ft / 5280.0);
  out += fmt::format("- Service transformers: {} split-phase 120/240 V, {} three-phase pad-mounts.\n",
                     s.split_phase_transformers, s.three_phase_transformers);
  out += fmt::format("- Regulator banks: {} at feeder heads, {} on lines; fixed capacitor banks: {} ({:.0f} kvar).\n",
                     s.feeders, s.line_regulators, s.capacitor_banks, s.capacitor_kvar);
  out += fmt::format(
      "- Source: {:.0f} kV at {:.2f} pu, {:.0f} MVA three-phase short circuit (X/R {:.1f}), "
      "{:.0f} MVA single-phase (X/R {:.1f}); substation transformer {:.0f} MVA {:.0f}/{:.2f} kV "
      "delta-wye, {:.2f} % impedance, X/R {:.1f}.\n",
      sub.source_kv, sub.source_pu, sub.sc_mva_3ph, sub.x_r_3ph, sub.sc_mva_1ph, sub.x_r_1ph, sub.mva, sub.kv1, sub.kv2,
      sub.z_pct, sub.x_r);
  out += fmt::format("- Generator's estimate of customer voltages at peak: {:.3f} to {:.3f} pu.\n",
                     s.est_min_customer_pu, s.est_max_customer_pu);
  return out;
}

}  // namespace feederlab::synth
