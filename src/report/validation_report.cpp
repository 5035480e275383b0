#include "feederlab/report/validation_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "feederlab/core/atomic_file.hpp"

namespace feederlab::report {

namespace {

using nlohmann::ordered_json;

ordered_json countsObject(const validate::FeederCounts& c) {
  ordered_json j;
  j["format"] = c.format;
  j["buses"] = c.buses;
  j["nodes"] = c.nodes;
  j["lines"] = c.lines;
  j["switches"] = c.switches;
  j["transformers"] = c.transformers;
  j["regulators"] = c.regulators;
  j["capacitors"] = c.capacitors;
  j["loads"] = c.loads;
  j["total_kw"] = c.total_kw;
  j["total_kvar"] = c.total_kvar;
  j["voltage_bases_kv"] = c.voltage_bases_kv;
  j["warnings"] = c.warnings;
  return j;
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string mdEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out;
}

std::string joinKv(const std::vector<double>& kv) {
  std::string out;
  for (std::size_t i = 0; i < kv.size(); ++i) out += (i ? " / " : "") + fmt::format("{:g}", kv[i]);
  return out.empty() ? "none" : out;
}

}  // namespace

std::string countsJson(const validate::FeederCounts& counts) { return countsObject(counts).dump(2) + "\n"; }

std::string countsText(const validate::FeederCounts& c) {
  return fmt::format(
      "format        {}\nbuses         {}\nnodes         {}\nlines         {}\nswitches      {}\n"
      "transformers  {}\nregulators    {}\ncapacitors    {}\nloads         {}\ntotal kW      {:.1f}\n"
      "total kvar    {:.1f}\nvoltage bases {} kV\nwarnings      {}\n",
      c.format, c.buses, c.nodes, c.lines, c.switches, c.transformers, c.regulators, c.capacitors, c.loads,
      c.total_kw, c.total_kvar, joinKv(c.voltage_bases_kv), c.warnings);
}

std::string validationJson(const validate::ValidationReport& r) {
  ordered_json j;
  const auto& s = r.summary;
  ordered_json summary = countsObject(s.counts);
  summary["feeder"] = r.feeder_name;
  summary["errors"] = s.errors;
  summary["warnings"] = s.warnings;  // all findings of warning severity (importer and checks)
  summary["infos"] = s.infos;
  summary["importer_warnings"] = s.counts.warnings;
  summary["primary_length_km"] = s.primary_length_km;
  summary["secondary_length_km"] = s.secondary_length_km;
  summary["voltage_levels_kv"] = s.voltage_levels_kv;
  summary["energized_buses"] = s.energized_buses;
  summary["islands"] = s.islands;
  summary["loops"] = s.loops;
  summary["head_bus"] = s.head_bus;
  summary["source_side_loads"] = s.source_side_loads;
  j["summary"] = summary;
  ordered_json findings = ordered_json::array();
  for (const auto& f : r.findings) {
    findings.push_back({{"severity", core::severityName(f.severity)},
                        {"code", f.code},
                        {"element", f.element},
                        {"location", f.location.str()},
                        {"message", f.message}});
  }
  j["findings"] = findings;
  return j.dump(2) + "\n";
}

std::string validationMarkdown(const validate::ValidationReport& r) {
  const auto& s = r.summary;
  const auto& c = s.counts;
  std::string md = fmt::format("# Validation report: {}\n\n", r.feeder_name);
  md += fmt::format("**{} error(s), {} warning(s), {} note(s).**\n\n", s.errors, s.warnings, s.infos);
  md += "| figure | value |\n| --- | --- |\n";
  md += fmt::format("| buses / nodes | {} / {} |\n| lines / switches | {} / {} |\n", c.buses, c.nodes, c.lines, c.switches);
  md += fmt::format("| transformers / regulators | {} / {} |\n| capacitors | {} |\n| loads | {} |\n", c.transformers,
                    c.regulators, c.capacitors, c.loads);
  md += fmt::format("| total load | {:.1f} kW, {:.1f} kvar |\n", c.total_kw, c.total_kvar);
  md += fmt::format("| primary / secondary length | {:.3f} km / {:.3f} km |\n", s.primary_length_km, s.secondary_length_km);
  md += fmt::format("| voltage levels | {} kV |\n| @head | {} |\n", joinKv(s.voltage_levels_kv), s.head_bus);
  md += fmt::format("| energized buses / islands / loops | {} / {} / {} |\n\n", s.energized_buses, s.islands, s.loops);
  md += "## Findings\n\n| severity | code | element | location | message |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& f : r.findings)
    md += fmt::format("| {} | {} | {} | {} | {} |\n", core::severityName(f.severity), f.code, mdEscape(f.element),
                      mdEscape(f.location.str()), mdEscape(f.message));
  if (r.findings.empty()) md += "| | | | | no findings |\n";
  return md;
}

std::string validationHtml(const validate::ValidationReport& r) {
  const auto& s = r.summary;
  const auto& c = s.counts;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Validation: " +
                     htmlEscape(r.feeder_name) + "</title>\n<style>body{font-family:sans-serif;margin:2em}"
                     "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}"
                     ".error{background:#fdd}.warning{background:#ffd}.info{background:#eef}</style></head><body>\n";
  html += fmt::format("<h1>Validation report: {}</h1>\n<p><b>{} error(s), {} warning(s), {} note(s).</b></p>\n",
                      htmlEscape(r.feeder_name), s.errors, s.warnings, s.infos);
  html += "<table>\n";
  html += fmt::format("<tr><th>buses / nodes</th><td>{} / {}</td></tr>\n", c.buses, c.nodes);
  html += fmt::format("<tr><th>lines / switches</th><td>{} / {}</td></tr>\n", c.lines, c.switches);
  html += fmt::format("<tr><th>transformers / regulators</th><td>{} / {}</td></tr>\n", c.transformers, c.regulators);
  html += fmt::format("<tr><th>capacitors / loads</th><td>{} / {}</td></tr>\n", c.capacitors, c.loads);
  html += fmt::format("<tr><th>total load</th><td>{:.1f} kW, {:.1f} kvar</td></tr>\n", c.total_kw, c.total_kvar);
  html += fmt::format("<tr><th>primary / secondary length</th><td>{:.3f} km / {:.3f} km</td></tr>\n",
                      s.primary_length_km, s.secondary_length_km);
  html += fmt::format("<tr><th>voltage levels</th><td>{} kV</td></tr>\n", joinKv(s.voltage_levels_kv));
  html += fmt::format("<tr><th>@head</th><td>{}</td></tr>\n</table>\n", htmlEscape(s.head_bus));
  html += "<h2>Findings</h2>\n<table>\n<tr><th>severity</th><th>code</th><th>element</th><th>location</th>"
          "<th>message</th></tr>\n";
  for (const auto& f : r.findings)
    html += fmt::format("<tr class=\"{0}\"><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>\n",
                        core::severityName(f.severity), htmlEscape(f.code), htmlEscape(f.element),
                        htmlEscape(f.location.str()), htmlEscape(f.message));
  html += "</table>\n</body></html>\n";
  return html;
}

void writeValidation(const validate::ValidationReport& report, const std::filesystem::path& dir) {
  core::writeFileAtomic(dir / "validation.json", validationJson(report));
  core::writeFileAtomic(dir / "validation.md", validationMarkdown(report));
  core::writeFileAtomic(dir / "validation.html", validationHtml(report));
}

}  // namespace feederlab::report
