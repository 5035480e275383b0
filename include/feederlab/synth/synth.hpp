// `feederlab synth`: realistic synthetic 12.47 kV utility feeders, written in the utility CSV
// export format (docs/utility-csv.md). Deterministic: a seed gives byte-identical files.
//
// What it builds (figures and sources in docs/utility-csv.md, "Synthetic feeders"):
//   - a 115 kV source of 1-3 GVA short-circuit strength behind one 12-30 MVA, 8-12 % substation
//     transformer; one feeder per ~2,500 customers from its 12.47 kV bus, each with a breaker and
//     a head regulator bank, a line regulator bank where the voltage drop needs one, fixed
//     capacitor banks, a closed mid-trunk sectionalizer and an open tie at the trunk end;
//   - a three-phase 336 ACSR trunk (with a 4/0 ACSR branch), three-phase (4/0 ACSR, 1/0 AL CN)
//     and single-phase (1/0 ACSR, 1/0 AL CN) laterals, impedances from the IEEE test feeders;
//   - split-phase 120/240 V service transformers (15-100 kVA) for residential customers and
//     three-phase pad-mounts (75-500 kVA) for commercial and industrial ones;
//   - customers by class with summer-peak demand at the study hour, and head SCADA P/Q equal to
//     the loads plus estimated losses less capacitor output.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace feederlab::synth {

struct Options {
  int customers = 2000;  // total over all feeders; at least 20
  std::uint64_t seed = 1;
};

// One row of each table of the utility CSV format (column meanings in docs/utility-csv.md).
struct NodeRow {
  std::string id;
  double x_ft = 0, y_ft = 0, kv = 12.47;
};
struct ConductorRow {
  std::string id, description;
  int phases = 0;                                               // 0: sequence data; 1..3: matrix form
  double r1 = 0, x1 = 0, r0 = 0, x0 = 0, c1_nf = 0, c0_nf = 0;  // ohm, nF per mile
  double ampacity = 0;
};
struct SectionRow {
  std::string id, from, to, phases, conductor;
  double length_ft = 0;
  bool underground = false;
};
struct SwitchRow {
  std::string id, from, to, phases, type;
  bool open = false;
};
struct TransformerRow {
  std::string id, from, to, phases, type, connection;
  double kva = 0, kv1 = 0, kv2 = 0, z_pct = 0, x_r = 0;
};
struct CustomerRow {
  std::string id, transformer, cls;
  int count = 1;
  double peak_kw = 0, monthly_kwh = 0, pf = 1;
};
struct SubstationRow {
  std::string id = "sub", source_node = "sub_hv", bus_node = "sub_lv", transformer = "sub_xfmr";
  double source_kv = 115, source_pu = 1.0, sc_mva_3ph = 2000, x_r_3ph = 10, sc_mva_1ph = 1800, x_r_1ph = 8;
  double mva = 20, kv1 = 115, kv2 = 12.47, z_pct = 10, x_r = 20, tap_pu = 1.0;
};
struct RegulatorRow {
  std::string id, from, to, phases;
  double kva = 0, vreg_v = 124, band_v = 2, pt_ratio = 60, ct_primary_a = 600, r_ldc_v = 0, x_ldc_v = 0;
  int tap = 0;
};
struct CapacitorRow {
  std::string id, node, phases;
  double kvar = 0, kv = 12.47;
};
struct ScadaRow {
  std::string feeder, node;
  double p_kw = 0, q_kvar = 0;
};

struct UtilityTables {
  std::vector<NodeRow> nodes;
  std::vector<ConductorRow> conductors;
  std::vector<SectionRow> sections;
  std::vector<SwitchRow> switches;
  std::vector<TransformerRow> transformers;
  std::vector<CustomerRow> customers;
  SubstationRow substation;
  std::vector<RegulatorRow> regulators;
  std::vector<CapacitorRow> capacitors;
  std::vector<ScadaRow> scada;
};

// Figures for the README of a generated feeder (estimates are the generator's own sweep).
struct Summary {
  int feeders = 0;
  int customers[3] = {0, 0, 0};  // residential, commercial, industrial
  double kw[3] = {0, 0, 0};
  double total_kw = 0, total_kvar = 0;
  double head_p_kw = 0, head_q_kvar = 0, est_losses_kw = 0;
  double primary_ft = 0, overhead_ft = 0, underground_ft = 0, trunk_ft = 0;
  int split_phase_transformers = 0, three_phase_transformers = 0;
  int line_regulators = 0, capacitor_banks = 0;
  double capacitor_kvar = 0;
  double est_min_customer_pu = 0, est_max_customer_pu = 0;
};

struct SyntheticFeeder {
  UtilityTables tables;
  Summary summary;
};

// Throws std::invalid_argument when options.customers < 20.
SyntheticFeeder generateFeeder(const Options& options);

// The CSV files of `tables`: (file name, content) in a fixed order, numbers in fixed notation.
std::vector<std::pair<std::string, std::string>> writeUtilityCsv(const UtilityTables& tables);

// Markdown description (counts, kW, lengths, source) for a generated folder's README.
std::string describe(const SyntheticFeeder& feeder, const Options& options);

}  // namespace feederlab::synth
