// Files of `feederlab reduce` (cli.md): reduced.dss, baseline.dss, reduced.dyd, baseline.dyd,
// reduced.dyr, reduction.json, reduction.md; every file atomic.
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/io/dss_export.hpp"
#include "feederlab/reduce/reduce.hpp"

namespace feederlab::reduce {

namespace {

double finite(double x) {
  if (!std::isfinite(x)) throw core::NumericalError("reduce: non-finite value in the reduction report");
  return x;
}

nlohmann::json fractionsJson(const model::ComponentFractions& f) {
  return {{"fm_a", finite(f.fm_a)}, {"fm_b", finite(f.fm_b)}, {"fm_c", finite(f.fm_c)},
          {"fm_d", finite(f.fm_d)}, {"fel", finite(f.fel)},   {"static", finite(f.static_load)}};
}

nlohmann::json flowJson(const FlowSummary& s) {
  return {{"head_kw", finite(s.head_kw)}, {"head_kvar", finite(s.head_kvar)}, {"losses_kw", finite(s.losses_kw)},
          {"losses_kvar", finite(s.losses_kvar)}};
}

// The dyd/dyr writers live in io (issue of the dynamics); until they are linked, say so in the file.
#ifdef FEEDERLAB_HAVE_DYD_WRITER
std::string dydOf(const std::vector<io::CompositeRecord>& r) { return io::dydText(r); }
std::string dyrOf(const std::vector<io::CompositeRecord>& r) { return io::dyrText(r); }
#else
std::string dydOf(const std::vector<io::CompositeRecord>& r) {
  return fmt::format("# {} cmpldw record(s): the .dyd writer is not linked in this build\n", r.size());
}
std::string dyrOf(const std::vector<io::CompositeRecord>& r) {
  return fmt::format("/ {} CMLDBLU2 record(s): the .dyr writer is not linked in this build\n", r.size());
}
#endif

}  // namespace

std::string reductionJson(const Reduction& r) {
  using nlohmann::json;
  json j;
  j["sections"] = static_cast<int>(r.sections.size());
  json list = json::array();
  for (const auto& s : r.sections) {
    json x;
    x["index"] = s.index;
    x["primary_bus"] = s.primary_bus;
    x["load_bus"] = s.load_bus;
    x["boundary"] = s.boundary;
    x["buses"] = s.buses;
    x["bus_count"] = s.buses.size();
    x["load_count"] = s.loads.size();
    x["kw"] = finite(s.kw);
    x["kvar"] = finite(s.kvar);
    x["composition"] = fractionsJson(s.fractions);
    x["voltage_full_pu"] = finite(s.v_full_pu);
    x["voltage_reduced_pu"] = finite(s.v_reduced_pu);
    x["voltage_min_pu"] = finite(s.v_min_pu);
    x["voltage_max_pu"] = finite(s.v_max_pu);
    x["z1_ohm"] = {finite(s.z1_ohm.real()), finite(s.z1_ohm.imag())};
    x["service_transformer"] = {{"kva", finite(s.xfmr_kva)}, {"r_pct", finite(s.xfmr_r_pct)}, {"x_pct", finite(s.xfmr_x_pct)}, {"tap", finite(s.xfmr_tap)}};
    x["capacitor_kvar"] = finite(s.capacitor_kvar);
    x["charging_kvar"] = finite(s.charging_kvar);
    x["phase_kw"] = {finite(s.phase_kw[0]), finite(s.phase_kw[1]), finite(s.phase_kw[2])};
    x["loads"] = s.load_names;
    x["block_voltage_pu"] = s.block_v_pu;
    x["block_kw"] = s.block_kw;
    list.push_back(x);
  }
  j["section_list"] = list;
  j["full"] = flowJson(r.full);
  j["reduced"] = flowJson(r.reduced_flow);
  j["baseline"] = flowJson(r.baseline_flow);
  j["section_voltage_error_pu_max"] = finite(r.section_voltage_error_pu_max);
  j["head_power_error_pct"] = finite(r.head_power_error_pct);
  j["losses_error_pct"] = finite(r.losses_error_pct);
  json od = json::array();
  for (const auto& c : r.off_design)
    od.push_back({{"point", c.name},
                  {"section_voltage_error_pu_max", finite(c.section_voltage_error_pu_max)},
                  {"head_p_error_pct", finite(c.head_p_error_pct)},
                  {"head_q_error_pct", finite(c.head_q_error_pct)},
                  {"losses_error_pct", finite(c.losses_error_pct)}});
  j["off_design"] = od;
  j["head_bus"] = r.head_bus;
  j["equivalent_form"] = r.equivalent_form;
  j["motor_d_blocks"] = r.motor_d_blocks;
  j["baseline_cmpldw"] = {{"rfdr_pu", r.rfdr_pu ? json(*r.rfdr_pu) : json(nullptr)},
                          {"xfdr_pu", r.xfdr_pu ? json(*r.xfdr_pu) : json(nullptr)},
                          {"xxf_pu", r.xxf_pu ? json(*r.xxf_pu) : json(nullptr)}};
  j["runtime_s"] = finite(r.runtime_s);
  j["notes"] = r.notes;
  return j.dump(1) + "\n";
}

std::string reductionMarkdown(const Reduction& r) {
  std::string md = fmt::format("# Reduction of {}\n\n", r.reduced.name);
  md += fmt::format("{} sections from @head `{}`; equivalents: {}. Motor D spread: up to {} kW-equal sub-blocks per section "
                    "with voltage thresholds shifted by V_section / V_block (see docs/reduction.md).\n\n",
                    r.sections.size(), r.head_bus, r.equivalent_form, r.motor_d_blocks);
  md += "## Steady-state errors (base case)\n\n| quantity | full | reduced | baseline |\n|---|---:|---:|---:|\n";
  md += fmt::format("| head kW | {:.2f} | {:.2f} | {:.2f} |\n", r.full.head_kw, r.reduced_flow.head_kw, r.baseline_flow.head_kw);
  md += fmt::format("| head kvar | {:.2f} | {:.2f} | {:.2f} |\n", r.full.head_kvar, r.reduced_flow.head_kvar, r.baseline_flow.head_kvar);
  md += fmt::format("| losses kW (below @head) | {:.2f} | {:.2f} | {:.2f} |\n\n", r.full.losses_kw, r.reduced_flow.losses_kw, r.baseline_flow.losses_kw);
  md += fmt::format("Head power error {:.4f} % of |S|; max section voltage error {:.6f} pu; losses error {:+.3f} %.\n\n",
                    r.head_power_error_pct, r.section_voltage_error_pu_max, r.losses_error_pct);
  if (!r.off_design.empty()) {
    md += "## Off-design points (same equivalents)\n\n| point | max section V error (pu) | head P error (%) | head Q error (%) | losses error (%) |\n|---|---:|---:|---:|---:|\n";
    for (const auto& c : r.off_design)
      md += fmt::format("| {} | {:.5f} | {:.3f} | {:.3f} | {:+.2f} |\n", c.name, c.section_voltage_error_pu_max, c.head_p_error_pct,
                        c.head_q_error_pct, c.losses_error_pct);
    md += "\n";
  }
  md += "## Sections\n\n| # | boundary | buses | loads | kW | kvar | V full | V reduced | V range | Z1 (ohm) | service xfmr kVA / %R / %X | shunt kvar | FmD | sub-loads |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---|\n";
  for (const auto& s : r.sections)
    md += fmt::format("| {} | {} | {} | {} | {:.1f} | {:.1f} | {:.5f} | {:.5f} | {:.4f}-{:.4f} | {:.4f}+j{:.4f} | {:.0f} / {:.3f} / {:.3f} | {:.1f} | {:.3f} | {} |\n",
                      s.index + 1, s.boundary.empty() ? "-" : s.boundary, s.buses.size(), s.loads.size(), s.kw, s.kvar, s.v_full_pu,
                      s.v_reduced_pu, s.v_min_pu, s.v_max_pu, s.z1_ohm.real(), s.z1_ohm.imag(), s.xfmr_kva, s.xfmr_r_pct, s.xfmr_x_pct,
                      s.capacitor_kvar + s.charging_kvar, s.fractions.fm_d, fmt::join(s.load_names, ", "));
  md += "\n## Section compositions (kW-weighted)\n\n| # | FmA | FmB | FmC | FmD | Fel | static | phase kW a/b/c |\n|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& s : r.sections)
    md += fmt::format("| {} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.0f} / {:.0f} / {:.0f} |\n", s.index + 1, s.fractions.fm_a,
                      s.fractions.fm_b, s.fractions.fm_c, s.fractions.fm_d, s.fractions.fel, s.fractions.static_load, s.phase_kw[0],
                      s.phase_kw[1], s.phase_kw[2]);
  md += "\n## What was merged\n\n";
  for (const auto& n : r.notes) md += "- " + n + "\n";
  md += fmt::format("\nRuntime {:.3f} s.\n", r.runtime_s);
  return md;
}

void writeReduction(const std::filesystem::path& dir, const Reduction& r) {
  std::filesystem::create_directories(dir);
  io::exportDssFile(r.reduced, dir / "reduced.dss");
  io::exportDssFile(r.baseline, dir / "baseline.dss");
  core::writeFileAtomic(dir / "reduced.dyd", dydOf(r.reduced_records));
  core::writeFileAtomic(dir / "baseline.dyd", dydOf(r.baseline_records));
  core::writeFileAtomic(dir / "reduced.dyr", dyrOf(r.reduced_records));
  core::writeFileAtomic(dir / "reduction.json", reductionJson(r));
  core::writeFileAtomic(dir / "reduction.md", reductionMarkdown(r));
}

}  // namespace feederlab::reduce
