// Utility CSV export format: nodes, conductors, sections, switches and the substation
// (docs/utility-csv.md). Device tables are in csv_devices.cpp.
#include "feederlab/io/csv_importer.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "csv_builder.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io {

namespace csv {

model::BusId Builder::node(const Table& table, const Row& row, std::string_view column) const {
  const std::string name = core::toLower(table.text(row, column));
  const auto id = feeder.findBus(name);
  if (!id) throw table.error(row, column, "unknown node (not in nodes.csv)");
  return *id;
}

std::string Builder::newId(const Table& table, const Row& row, std::string_view column,
                           std::set<std::string>& used) const {
  std::string id = core::toLower(table.text(row, column));
  if (id.find_first_of(" .\"\t") != std::string::npos)
    throw table.error(row, column, "ids must not contain spaces, '.' or quotes");
  if (!used.insert(id).second) throw table.error(row, column, "duplicate id");
  return id;
}

std::vector<int> parsePhases(const Table& table, const Row& row, std::string_view column) {
  const std::string text = core::toLower(table.text(row, column));
  std::vector<int> nodes;
  for (char c : text) {
    if (c == 'n') continue;  // the neutral is Kron-reduced into the phase impedances
    if (c < 'a' || c > 'c') throw table.error(row, column, "phases must be letters from A, B, C (and N)");
    const int node = c - 'a' + 1;
    if (std::find(nodes.begin(), nodes.end(), node) != nodes.end())
      throw table.error(row, column, "a phase appears twice");
    nodes.push_back(node);
  }
  if (nodes.empty()) throw table.error(row, column, "no phase conductor");
  return nodes;
}

namespace {

namespace fs = std::filesystem;

core::SourceLocation where(const Table& t, const Row& r) {
  return cellLocation(t.file(), r.line);
}

void readNodes(Builder& b, const Table& t) {
  t.requireColumns({"node_id", "nominal_kv"});
  std::set<std::string> ids;
  std::set<double> bases;
  for (const auto& row : t.rows()) {
    const std::string id = b.newId(t, row, "node_id", ids);
    const double kv = t.positive(row, "nominal_kv");
    const auto x = t.optionalNumber(row, "x");
    const auto y = t.optionalNumber(row, "y");
    auto& bus = b.feeder.buses[static_cast<std::size_t>(b.feeder.addBus(id))];
    bus.kv_base_ll = kv;
    if (x && y) bus.coords = std::array<double, 2>{*x, *y};
    bases.insert(kv);
  }
  if (t.rows().empty()) throw CellError(t.file(), 1, "node_id", "", "the table has no rows");
}

// Lower triangle, row by row, space-separated: n(n+1)/2 numbers -> symmetric n x n matrix.
core::CMatrix lowerTriangle(const Table& t, const Row& row, std::string_view column, int n) {
  std::vector<double> values;
  for (const auto& part : core::split(t.text(row, column), ' ')) {
    if (part.empty()) continue;
    double v = 0.0;
    if (!core::parseDouble(part, v)) throw t.error(row, column, "not a list of numbers");
    values.push_back(v);
  }
  const auto size = static_cast<std::size_t>(n);
  if (values.size() != size * (size + 1) / 2)
    throw t.error(row, column,
                  "expected " + std::to_string(size * (size + 1) / 2) + " numbers (lower triangle, row by row)");
  core::CMatrix m(size);
  std::size_t k = 0;
  for (std::size_t i = 0; i < size; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      m(i, j) = values[k];
      m(j, i) = values[k++];
    }
  return m;
}

core::LengthUnit lengthUnit(const Table& t, const Row& row, std::string_view column) {
  const auto unit = core::parseLengthUnit(core::toLower(t.text(row, column)));
  if (!unit || *unit == core::LengthUnit::None) throw t.error(row, column, "unknown length unit (mi, kft, km, m, ft)");
  return *unit;
}

void readConductors(Builder& b, const Table& t) {
  t.requireColumns({"conductor_id", "length_unit"});
  std::set<std::string> ids;
  for (const auto& row : t.rows()) {
    const std::string id = b.newId(t, row, "conductor_id", ids);
    ConductorData c;
    c.unit = lengthUnit(t, row, "length_unit");
    c.ampacity = t.numberOr(row, "ampacity", 0.0);
    if (!t.textOr(row, "r1", "").empty() || !t.hasColumn("r_matrix")) {
      c.sequence = true;
      c.phases = 0;
      c.seq.r1 = t.positive(row, "r1", true);
      c.seq.x1 = t.number(row, "x1");
      c.seq.r0 = t.positive(row, "r0", true);
      c.seq.x0 = t.number(row, "x0");
      c.seq.c1_nf = t.numberOr(row, "c1_nf", 0.0);
      c.seq.c0_nf = t.numberOr(row, "c0_nf", 0.0);
      if (c.seq.r1 == 0.0 && c.seq.x1 == 0.0) throw t.error(row, "x1", "zero positive-sequence impedance");
    } else {
      c.sequence = false;
      c.phases = t.integer(row, "phases");
      if (c.phases < 1 || c.phases > 3) throw t.error(row, "phases", "must be 1, 2 or 3");
      c.z = lowerTriangle(t, row, "r_matrix", c.phases);
      const auto x = lowerTriangle(t, row, "x_matrix", c.phases);
      for (std::size_t i = 0; i < c.z.values.size(); ++i) c.z.values[i] = {c.z.values[i].real(), x.values[i].real()};
      c.c_nf = t.textOr(row, "c_matrix_nf", "").empty() ? core::CMatrix(static_cast<std::size_t>(c.phases))
                                                        : lowerTriangle(t, row, "c_matrix_nf", c.phases);
    }
    b.conductors.emplace(id, std::move(c));
  }
}

// Phase-frame per-length matrices of `c` for `n` phases, in ohm and siemens per conductor unit.
model::LineImpedance phaseImpedance(const ConductorData& c, std::size_t n, double frequency_hz) {
  model::LineImpedance out;
  out.z_per_length = core::CMatrix(n);
  core::CMatrix c_nf(n);
  if (c.sequence) {
    const core::Complex z1(c.seq.r1, c.seq.x1), z0(c.seq.r0, c.seq.x0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        out.z_per_length(i, j) = i == j ? (2.0 * z1 + z0) / 3.0 : (z0 - z1) / 3.0;
        c_nf(i, j) = i == j ? (2.0 * c.seq.c1_nf + c.seq.c0_nf) / 3.0 : (c.seq.c0_nf - c.seq.c1_nf) / 3.0;
      }
    out.sequence = c.seq;
  } else {
    out.z_per_length = c.z;
    c_nf = c.c_nf;
  }
  const double omega = 2.0 * core::kPi * frequency_hz;
  out.y_per_length = core::CMatrix(n);
  for (std::size_t k = 0; k < n * n; ++k) out.y_per_length.values[k] = {0.0, omega * c_nf.values[k].real() * 1e-9};
  return out;
}

model::Terminal terminal(model::BusId bus, const std::vector<int>& nodes) {
  return model::Terminal{bus, nodes};
}

void readSections(Builder& b, const Table& t) {
  t.requireColumns({"section_id", "from_node", "to_node", "phases", "conductor_id", "length", "length_unit"});
  for (const auto& row : t.rows()) {
    model::Line line;
    line.name = b.newId(t, row, "section_id", b.line_names);
    line.location = where(t, row);
    const auto nodes = parsePhases(t, row, "phases");
    line.bus1 = terminal(b.node(t, row, "from_node"), nodes);
    line.bus2 = terminal(b.node(t, row, "to_node"), nodes);
    if (line.bus1.bus == line.bus2.bus) throw t.error(row, "to_node", "a section must join two different nodes");
    line.phases = static_cast<int>(nodes.size());
    line.linecode = core::toLower(t.text(row, "conductor_id"));
    const auto it = b.conductors.find(line.linecode);
    if (it == b.conductors.end()) throw t.error(row, "conductor_id", "unknown conductor (not in conductors.csv)");
    const auto& c = it->second;
    if (!c.sequence && c.phases != line.phases)
      throw t.error(row, "phases", "the conductor's matrix has " + std::to_string(c.phases) + " phase(s)");
    line.length = t.positive(row, "length");
    line.length_unit = lengthUnit(t, row, "length_unit");
    const double per_conductor_unit = core::lengthConversion(line.length_unit, c.unit);
    line.impedance = phaseImpedance(c, nodes.size(), b.feeder.settings.base_frequency_hz);
    line.impedance.z_per_length = line.impedance.z_per_length.scaled(per_conductor_unit);
    line.impedance.y_per_length = line.impedance.y_per_length.scaled(per_conductor_unit);
    if (line.impedance.sequence) {
      auto& s = *line.impedance.sequence;
      for (double* v : {&s.r1, &s.x1, &s.r0, &s.x0, &s.c1_nf, &s.c0_nf}) *v *= per_conductor_unit;
    }
    line.norm_amps = c.ampacity;
    const std::string construction = core::toLower(t.textOr(row, "construction", "overhead"));
    if (construction != "overhead" && construction != "underground")
      throw t.error(row, "construction", "must be overhead or underground");
    b.feeder.lines.push_back(std::move(line));
  }
}

void readSwitches(Builder& b, const Table& t) {
  t.requireColumns({"switch_id", "from_node", "to_node", "phases", "normal_state"});
  for (const auto& row : t.rows()) {
    model::Line sw;
    sw.name = b.newId(t, row, "switch_id", b.line_names);
    sw.location = where(t, row);
    const auto nodes = parsePhases(t, row, "phases");
    sw.bus1 = terminal(b.node(t, row, "from_node"), nodes);
    sw.bus2 = terminal(b.node(t, row, "to_node"), nodes);
    sw.phases = static_cast<int>(nodes.size());
    const std::string state = core::toLower(t.text(row, "normal_state"));
    if (state != "open" && state != "closed") throw t.error(row, "normal_state", "must be open or closed");
    sw.is_switch = true;
    sw.open = state == "open";
    sw.enabled = !sw.open;  // a normally-open switch is a disabled switch (cli.md)
    // OpenDSS Line switch=yes: r1=x1=r0=x0=1 ohm, c1=1.1 nF, c0=1 nF per unit, length 0.001, units none.
    ConductorData c;
    c.seq = {1.0, 1.0, 1.0, 1.0, 1.1, 1.0};
    sw.impedance = phaseImpedance(c, nodes.size(), b.feeder.settings.base_frequency_hz);
    sw.length = 0.001;
    sw.length_unit = core::LengthUnit::None;
    sw.linecode = core::toLower(t.textOr(row, "type", "switch"));
    b.feeder.lines.push_back(std::move(sw));
  }
}

// OpenDSS Vsource: |Z1| = kV^2/MVAsc3 at X1/R1; Z0 so that |2 Z1 + Z0| = 3 kV^2/MVAsc1 at X0/R0.
void sourceImpedance(model::Source& s, double mvasc3, double xr1, double mvasc1, double xr0) {
  const double kv2 = s.base_kv * s.base_kv;
  const double z1 = kv2 / mvasc3;
  const double r1 = z1 / std::sqrt(1.0 + xr1 * xr1);
  const double x1 = r1 * xr1;
  const double a = 1.0 + xr0 * xr0;
  const double bq = 4.0 * (r1 + x1 * xr0);
  const double c = 4.0 * (r1 * r1 + x1 * x1) - std::pow(3.0 * kv2 / mvasc1, 2.0);
  const double r0 = (-bq + std::sqrt(bq * bq - 4.0 * a * c)) / (2.0 * a);
  s.z1_ohm = {r1, x1};
  s.z0_ohm = {r0, r0 * xr0};
  s.mvasc3 = mvasc3;
  s.mvasc1 = mvasc1;
}

void readSubstation(Builder& b, const Table& t) {
  t.requireColumns({"substation_id", "source_node", "source_kv", "sc_mva_3ph", "x_r_3ph", "transformer_id", "bus_node",
                    "mva", "primary_kv", "secondary_kv", "z_pct", "x_r"});
  if (t.rows().size() != 1)
    throw CellError(t.file(), t.rows().empty() ? 1 : t.rows()[1].line, "substation_id", "",
                    "the table must have exactly one row");
  const auto& row = t.rows().front();
  model::Source s;
  s.name = "source";
  s.location = where(t, row);
  s.bus1 = terminal(b.node(t, row, "source_node"), {1, 2, 3});
  s.base_kv = t.positive(row, "source_kv");
  s.pu = t.numberOr(row, "source_pu", 1.0);
  if (s.pu <= 0.5 || s.pu > 1.5) throw t.error(row, "source_pu", "must be between 0.5 and 1.5");
  const double mvasc3 = t.positive(row, "sc_mva_3ph");
  const double xr1 = t.positive(row, "x_r_3ph");
  const double mvasc1 = t.optionalNumber(row, "sc_mva_1ph").value_or(mvasc3);
  const double xr0 = t.optionalNumber(row, "x_r_1ph").value_or(xr1);
  if (mvasc1 <= 0) throw t.error(row, "sc_mva_1ph", "must be greater than zero");
  if (xr0 <= 0) throw t.error(row, "x_r_1ph", "must be greater than zero");
  if (mvasc1 > 1.5 * mvasc3) throw t.error(row, "sc_mva_1ph", "more than 1.5 x sc_mva_3ph: Z0 would be negative");
  sourceImpedance(s, mvasc3, xr1, mvasc1, xr0);
  s.name = core::toLower(t.text(row, "substation_id"));
  b.feeder.sources.push_back(std::move(s));

  model::Transformer x;
  x.name = b.newId(t, row, "transformer_id", b.transformer_names);
  x.location = where(t, row);
  const double kva = 1000.0 * t.positive(row, "mva");
  const double z = t.positive(row, "z_pct");
  const double xr = t.positive(row, "x_r");
  const double r = z / std::sqrt(1.0 + xr * xr);
  x.xhl_pct = r * xr;
  const std::string conn = core::toLower(t.textOr(row, "connection", "delta-wye"));
  if (conn != "delta-wye" && conn != "wye-wye") throw t.error(row, "connection", "must be delta-wye or wye-wye");
  model::Winding hv, lv;
  hv.terminal = terminal(b.node(t, row, "source_node"), {1, 2, 3, 0});
  hv.conn = conn == "delta-wye" ? model::Connection::Delta : model::Connection::Wye;
  hv.kv = t.positive(row, "primary_kv");
  lv.terminal = terminal(b.node(t, row, "bus_node"), {1, 2, 3, 0});
  lv.kv = t.positive(row, "secondary_kv");
  lv.tap = t.numberOr(row, "tap_pu", 1.0);
  if (lv.tap < 0.85 || lv.tap > 1.15) throw t.error(row, "tap_pu", "must be between 0.85 and 1.15");
  for (auto* w : {&hv, &lv}) {
    w->kva = kva;
    w->r_pct = r / 2.0;
  }
  x.windings = {hv, lv};
  b.feeder.transformers.push_back(std::move(x));
}

bool exists(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace
}  // namespace csv

double defaultLoadFactor(model::LoadClass load_class) {
  switch (load_class) {
    case model::LoadClass::Residential:
      return 0.55;
    case model::LoadClass::Commercial:
      return 0.65;
    case model::LoadClass::Industrial:
      return 0.75;
    default:
      return 0.6;
  }
}

model::Feeder importUtilityCsv(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw core::InputError(core::SourceLocation{folder.string(), 0}, "", "not a folder of utility CSV tables");
  csv::Builder b;
  b.folder = folder;
  b.feeder.format = "csv";
  auto table = [&](const char* name, const char* first_column, bool required) -> std::optional<csv::Table> {
    const fs::path path = folder / name;
    if (!csv::exists(path)) {
      if (required) throw core::InputError(core::SourceLocation{path.string(), 0}, "", "required table is missing");
      return std::nullopt;
    }
    b.feeder.source_files.push_back(path.string());
    return csv::Table::read(path, first_column);
  };
  csv::readNodes(b, *table("nodes.csv", "node_id", true));
  csv::readConductors(b, *table("conductors.csv", "conductor_id", true));
  csv::readSubstation(b, *table("substation.csv", "substation_id", true));
  csv::readSections(b, *table("sections.csv", "section_id", true));
  if (auto t = table("switches.csv", "switch_id", false)) csv::readSwitches(b, *t);
  if (auto t = table("regulators.csv", "regulator_id", false)) csv::readRegulators(b, *t);
  csv::readTransformers(b, *table("transformers.csv", "transformer_id", true));
  csv::readCustomers(b, *table("customers.csv", "customer_id", true));
  if (auto t = table("capacitors.csv", "capacitor_id", false)) csv::readCapacitors(b, *t);
  if (auto t = table("scada.csv", "feeder_id", false)) csv::readScada(b, *t);
  std::set<double, std::greater<>> bases;
  for (const auto& bus : b.feeder.buses) bases.insert(bus.kv_base_ll);
  b.feeder.settings.voltage_bases_kv.assign(bases.begin(), bases.end());
  fs::path normal = folder.lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  b.feeder.name = core::toLower(normal.filename().string());
  return std::move(b.feeder);
}

}  // namespace feederlab::io
