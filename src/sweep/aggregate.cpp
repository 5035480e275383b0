// sweep.json, sweep.csv, timings.json and sweep.html (aggregate.hpp).
#include "feederlab/sweep/aggregate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>

#include "feederlab/core/atomic_file.hpp"

namespace feederlab::sweep {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr const char* kModels[] = {"reduced", "baseline"};

// The metrics of one model in a case's results: key -> value (nullopt = null).
using MetricMap = std::map<std::string, std::optional<double>>;

MetricMap metricsOf(const ojson& results, const char* model) {
  MetricMap out;
  if (!results.is_object() || !results.contains(model) || !results[model].is_object()) return out;
  for (const auto& [k, v] : results[model].items()) {
    if (v.is_number())
      out[k] = v.get<double>();
    else if (v.is_null())
      out[k] = std::nullopt;
  }
  return out;
}

struct Parsed {
  ojson results;  // null when failed
  MetricMap metrics[2];
};

std::vector<Parsed> parseAll(const std::vector<CaseResult>& results) {
  std::vector<Parsed> out;
  out.reserve(results.size());
  for (const auto& r : results) {
    Parsed p;
    p.results = ojson::parse(r.record.results_json.empty() ? "null" : r.record.results_json);
    for (int m = 0; m < 2; ++m) p.metrics[m] = metricsOf(p.results, kModels[m]);
    out.push_back(std::move(p));
  }
  return out;
}

std::set<std::string> metricKeys(const std::vector<Parsed>& parsed) {
  std::set<std::string> keys;
  for (const auto& p : parsed)
    for (const auto& m : p.metrics)
      for (const auto& [k, v] : m) keys.insert(k);
  return keys;
}

// Linear interpolation between order statistics (Hyndman-Fan type 7).
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.size() == 1) return sorted.front();
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

struct Stats {
  std::size_t n = 0, undefined = 0;
  std::vector<double> sorted;
};

Stats statsOf(const std::vector<Parsed>& parsed, int model, const std::string& key) {
  Stats s;
  for (const auto& p : parsed) {
    const auto it = p.metrics[model].find(key);
    if (it == p.metrics[model].end()) continue;
    if (it->second && std::isfinite(*it->second))
      s.sorted.push_back(*it->second);
    else
      ++s.undefined;
  }
  std::sort(s.sorted.begin(), s.sorted.end());
  s.n = s.sorted.size();
  return s;
}

ojson statsJson(const Stats& s) {
  ojson j{{"n", s.n}, {"undefined", s.undefined}};
  if (s.sorted.empty()) {
    for (const char* k : {"min", "p50", "p90", "max", "mean"}) j[k] = nullptr;
    return j;
  }
  double sum = 0.0;
  for (double x : s.sorted) sum += x;  // ascending order: the same sum on every run
  j["min"] = s.sorted.front();
  j["p50"] = quantile(s.sorted, 0.5);
  j["p90"] = quantile(s.sorted, 0.9);
  j["max"] = s.sorted.back();
  j["mean"] = sum / static_cast<double>(s.sorted.size());
  return j;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(const std::optional<double>& v) {
  if (!v) return "null";
  return fmt::format("{:.4g}", *v);
}

// Histogram of the reduced (blue) and baseline (orange) values of one metric, bins over
// [0, max] (the metrics are non-negative errors).
std::string histogramSvg(const Stats& reduced, const Stats& baseline) {
  constexpr int kBins = 12;
  constexpr double kW = 420, kH = 140, kLeft = 34, kBottom = 24;
  const double top = std::max(reduced.sorted.empty() ? 0.0 : reduced.sorted.back(),
                              baseline.sorted.empty() ? 0.0 : baseline.sorted.back());
  const double lo = std::min(reduced.sorted.empty() ? 0.0 : reduced.sorted.front(),
                             baseline.sorted.empty() ? 0.0 : baseline.sorted.front());
  const double x0 = std::min(0.0, lo), width = top > x0 ? top - x0 : 1.0;
  int counts[2][kBins] = {};
  int peak = 1;
  const Stats* sets[2] = {&reduced, &baseline};
  for (int m = 0; m < 2; ++m)
    for (double x : sets[m]->sorted) {
      int b = static_cast<int>((x - x0) / width * kBins);
      b = std::clamp(b, 0, kBins - 1);
      peak = std::max(peak, ++counts[m][b]);
    }
  const double plot_w = kW - kLeft - 8, plot_h = kH - kBottom - 8, bar = plot_w / kBins;
  std::string s =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="10">)", kW, kH);
  s += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#444"/>)", kLeft, kH - kBottom, kW - 8);
  s += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", kLeft - 4, 14, peak);
  s += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">0</text>)", kLeft - 4, kH - kBottom);
  for (int b = 0; b < kBins; ++b)
    for (int m = 0; m < 2; ++m) {
      const double h = plot_h * counts[m][b] / peak;
      s += fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{} [{:.4g}, {:.4g}): {}</title></rect>)",
          kLeft + b * bar + m * bar / 2 + 1, kH - kBottom - h, bar / 2 - 1, h, m == 0 ? "#3465a4" : "#f57900",
          kModels[m], x0 + width * b / kBins, x0 + width * (b + 1) / kBins, counts[m][b]);
    }
  s += fmt::format(R"(<text x="{}" y="{}">{:.4g}</text>)", kLeft, kH - 8, x0);
  s += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{:.4g}</text>)", kW - 8, kH - 8, x0 + width);
  return s + "</svg>";
}

// Metrics shown in the HTML distributions and worst-case tables (the tolerance metrics first).
const char* kKeyMetrics[] = {"head_v_nrmse",          "head_p_nrmse",
                             "head_q_nrmse",          "stalled_fraction_max_error",
                             "recovery_time_error_s", "head_v_max_error_pu"};

}  // namespace

std::string sweepJson(const SweepPlan& plan, const std::vector<CaseResult>& results) {
  if (results.size() != plan.cases.size()) throw std::logic_error("sweepJson: one result per case expected");
  const auto parsed = parseAll(results);
  std::size_t ok = 0, within = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    ok += results[i].record.status == "ok" ? 1 : 0;
    const auto& r = parsed[i].results;
    if (r.is_object() && r.contains("reduced_within_tolerance") && r["reduced_within_tolerance"].is_boolean() &&
        r["reduced_within_tolerance"].get<bool>())
      ++within;
  }
  ojson j;
  j["format"] = "feederlab-sweep-results/1";
  j["sweep"] = plan.name;
  j["counts"] = {{"cases", results.size()},
                 {"ok", ok},
                 {"failed", results.size() - ok},
                 {"reduced_within_tolerance", within},
                 {"feeders", plan.feeders.size()},
                 {"events", plan.events.size()},
                 {"variations", plan.variations.size()}};
  ojson summary = ojson::object();
  const auto keys = metricKeys(parsed);
  for (int m = 0; m < 2; ++m) {
    ojson per = ojson::object();
    for (const auto& k : keys) per[k] = statsJson(statsOf(parsed, m, k));
    summary[kModels[m]] = per;
  }
  j["summary"] = summary;
  ojson cases = ojson::array();
  for (std::size_t i = 0; i < results.size(); ++i)
    cases.push_back(ojson::parse(caseJson(plan.cases[i], results[i].record)));
  j["cases"] = cases;
  return j.dump(2) + "\n";
}

std::string sweepCsv(const std::vector<Case>& cases, const std::vector<CaseResult>& results) {
  const auto parsed = parseAll(results);
  const auto keys = metricKeys(parsed);
  std::string out = "id,feeder,event,variation,status,model";
  for (const auto& k : keys) out += "," + k;
  out += ",error\n";
  for (std::size_t i = 0; i < results.size() && i < cases.size(); ++i) {
    for (int m = 0; m < 2; ++m) {
      out += fmt::format("{},{},{},{},{},{}", csvField(cases[i].id), csvField(cases[i].feeder.name),
                         csvField(cases[i].event.name), csvField(cases[i].variation.id), results[i].record.status,
                         kModels[m]);
      for (const auto& k : keys) {
        const auto it = parsed[i].metrics[m].find(k);
        out += ",";
        if (it != parsed[i].metrics[m].end() && it->second) out += fmt::format("{}", *it->second);
      }
      out += "," + csvField(results[i].record.error) + "\n";
    }
  }
  return out;
}

std::string timingsJson(const std::vector<CaseResult>& results, const RunInfo& run) {
  std::size_t ran = 0, reused = 0, failed = 0;
  double sum = 0.0, max = 0.0;
  ojson cases = ojson::array();
  for (const auto& r : results) {
    (r.timing.reused ? reused : ran) += 1;
    failed += r.record.status == "ok" ? 0 : 1;
    if (!r.timing.reused) {
      sum += r.timing.runtime_s;
      max = std::max(max, r.timing.runtime_s);
    }
    cases.push_back({{"id", r.record.id},
                     {"status", r.record.status},
                     {"reused", r.timing.reused},
                     {"runtime_s", r.timing.runtime_s},
                     {"host", r.timing.host},
                     {"rank", r.timing.rank},
                     {"thread", r.timing.thread}});
  }
  ojson j;
  j["wall_s"] = run.wall_s;
  j["ranks"] = run.ranks;
  j["threads_per_rank"] = run.threads;
  j["cases_total"] = results.size();
  j["cases_run"] = ran;
  j["cases_reused"] = reused;
  j["cases_failed"] = failed;
  j["cases_per_min"] = ran > 0 && run.wall_s > 0 ? ojson(60.0 * static_cast<double>(ran) / run.wall_s) : ojson(nullptr);
  j["case_runtime_s"] = {{"sum", sum}, {"mean", ran ? sum / static_cast<double>(ran) : 0.0}, {"max", max}};
  j["cases"] = cases;
  return j.dump(2) + "\n";
}

std::string sweepHtml(const SweepPlan& plan, const std::vector<CaseResult>& results, const RunInfo& run,
                      const fs::path& out_dir) {
  const auto parsed = parseAll(results);
  std::size_t ok = 0, reused = 0;
  for (const auto& r : results) {
    ok += r.record.status == "ok" ? 1 : 0;
    reused += r.timing.reused ? 1 : 0;
  }
  auto link = [&](const std::string& id) {
    if (fs::exists(out_dir / "cases" / id / "report.html"))
      return fmt::format(R"(<a href="cases/{0}/report.html">{0}</a>)", html(id));
    return html(id);
  };
  std::string h = R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>)" + html(plan.name) +
                  R"( - feederlab sweep</title><style>
body{font-family:sans-serif;margin:1.5em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}.bad{color:#a40000}
.legend span{display:inline-block;width:1em;height:.8em;margin:0 .3em 0 1em}
</style></head><body>)";
  h += fmt::format("<h1>Sweep {}</h1>", html(plan.name));
  h += fmt::format(
      "<p>{} cases ({} feeders &times; {} events &times; {} variations): {} ok, <span class=\"{}\">{} failed</span>. "
      "This run: {} cases run, {} reused from an earlier run, {:.1f} s on {} rank(s) &times; {} thread(s).</p>",
      results.size(), plan.feeders.size(), plan.events.size(), plan.variations.size(), ok,
      ok == results.size() ? "" : "bad", results.size() - ok, results.size() - reused, reused, run.wall_s, run.ranks,
      run.threads);
  h += R"(<p class="legend">Errors against the full feeder:<span style="background:#3465a4"></span>reduced feeder)"
       R"(<span style="background:#f57900"></span>single-bus baseline</p>)";

  h += "<h2>Distributions</h2>";
  for (const char* key : kKeyMetrics) {
    const Stats s[2] = {statsOf(parsed, 0, key), statsOf(parsed, 1, key)};
    if (s[0].n + s[0].undefined + s[1].n + s[1].undefined == 0) continue;
    h += fmt::format(
        "<h3>{}</h3><table><tr><th>model</th><th>cases</th><th>undefined</th><th>min</th><th>median</th>"
        "<th>90 %</th><th>max</th></tr>",
        key);
    for (int m = 0; m < 2; ++m) {
      const auto& v = s[m].sorted;
      auto q = [&](double p) { return v.empty() ? std::string("-") : fmt::format("{:.4g}", quantile(v, p)); };
      h += fmt::format(
          "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td "
          "class=n>{}</td>"
          "<td class=n>{}</td></tr>",
          kModels[m], s[m].n, s[m].undefined, q(0.0), q(0.5), q(0.9), q(1.0));
    }
    h += "</table>" + histogramSvg(s[0], s[1]);
  }

  h += "<h2>Worst cases (reduced feeder)</h2><p>Undefined values (e.g. no recovery by the end) rank first.</p>";
  for (const char* key : kKeyMetrics) {
    std::vector<std::pair<std::optional<double>, std::size_t>> rows;
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      const auto it = parsed[i].metrics[0].find(key);
      if (it != parsed[i].metrics[0].end()) rows.emplace_back(it->second, i);
    }
    if (rows.empty()) continue;
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      if (a.first.has_value() != b.first.has_value()) return !a.first.has_value();
      return a.first && b.first && *a.first > *b.first;
    });
    rows.resize(std::min<std::size_t>(rows.size(), 10));
    h += fmt::format("<h3>{}</h3><table><tr><th>case</th><th>reduced</th><th>baseline</th></tr>", key);
    for (const auto& [v, i] : rows) {
      const auto b = parsed[i].metrics[1].find(key);
      h += fmt::format("<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>", link(results[i].record.id), num(v),
                       b == parsed[i].metrics[1].end() ? "-" : num(b->second));
    }
    h += "</table>";
  }

  if (ok < results.size()) {
    h += "<h2>Failed cases</h2><table><tr><th>case</th><th>kind</th><th>error</th></tr>";
    for (const auto& r : results)
      if (r.record.status != "ok")
        h += fmt::format("<tr><td>{}</td><td>{}</td><td class=bad>{}</td></tr>", html(r.record.id),
                         html(r.record.error_kind), html(r.record.error));
    h += "</table>";
  }

  // Simulations that stopped early (the case ran; its metrics for that model are null).
  std::string incomplete;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto& r = parsed[i].results;
    if (!r.is_object() || !r.contains("runs") || !r["runs"].is_object()) continue;
    for (const auto& [model, run] : r["runs"].items())
      if (run.is_object() && run.contains("completed") && run["completed"].is_boolean() &&
          !run["completed"].get<bool>())
        incomplete += fmt::format(
            "<tr><td>{}</td><td>{}</td><td class=bad>{}</td></tr>", link(results[i].record.id), html(model),
            html(run.contains("failure") && run["failure"].is_string() ? run["failure"].get<std::string>() : ""));
  }
  if (!incomplete.empty())
    h += "<h2>Incomplete simulations</h2><table><tr><th>case</th><th>model</th><th>why</th></tr>" + incomplete +
         "</table>";

  h += fmt::format(
      "<details><summary>All {} cases</summary><table><tr><th>case</th><th>status</th>"
      "<th>within tolerance</th><th>head_v_nrmse reduced</th><th>head_v_nrmse baseline</th>"
      "<th>stalled error reduced</th><th>runtime (s)</th></tr>",
      results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = parsed[i].results;
    std::string within = "-";
    if (r.is_object() && r.contains("reduced_within_tolerance") && r["reduced_within_tolerance"].is_boolean())
      within = r["reduced_within_tolerance"].get<bool>() ? "yes" : "<span class=bad>no</span>";
    auto metric = [&](int m, const char* k) {
      const auto it = parsed[i].metrics[m].find(k);
      return it == parsed[i].metrics[m].end() ? std::string("-") : num(it->second);
    };
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>"
        "<td class=n>{:.2f}{}</td></tr>",
        link(results[i].record.id), results[i].record.status, within, metric(0, "head_v_nrmse"),
        metric(1, "head_v_nrmse"), metric(0, "stalled_fraction_max_error"), results[i].timing.runtime_s,
        results[i].timing.reused ? " (earlier run)" : "");
  }
  h += "</table></details>";
  h += "<p>Machine-readable: <a href=\"sweep.json\">sweep.json</a>, <a href=\"sweep.csv\">sweep.csv</a>, "
       "<a href=\"timings.json\">timings.json</a>.</p></body></html>\n";
  return h;
}

void writeAggregate(const fs::path& out_dir, const SweepPlan& plan, const std::vector<CaseResult>& results,
                    const RunInfo& run) {
  core::writeFileAtomic(out_dir / "sweep.json", sweepJson(plan, results));
  core::writeFileAtomic(out_dir / "sweep.csv", sweepCsv(plan.cases, results));
  core::writeFileAtomic(out_dir / "timings.json", timingsJson(results, run));
  core::writeFileAtomic(out_dir / "sweep.html", sweepHtml(plan, results, run, out_dir));
}

}  // namespace feederlab::sweep
