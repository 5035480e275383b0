// Per-event plots of the study report, drawn by gnuplot as SVG (see study_report.hpp).
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feederlab/report/study_report.hpp"

namespace feederlab::report {

namespace {

namespace fs = std::filesystem;

// Columns plotted, one data block each (cli.md `simulate` names).
constexpr const char* kColumns[] = {"head_v_pu",
                                    "head_p_kw",
                                    "head_q_kvar",
                                    "motor_d_stalled_fraction",
                                    "contactor_tripped_fraction",
                                    "thermal_tripped_fraction",
                                    "uv_tripped_fraction"};
constexpr std::size_t kColumnCount = std::size(kColumns);

struct Panel {
  const char* title;
  std::size_t block;  // data block (index into kColumns)
  bool fraction;
};
constexpr Panel kPanels[] = {{"head V (pu)", 0, false},
                             {"head P (kW)", 1, false},
                             {"head Q (kvar)", 2, false},
                             {"motor D stalled fraction", 3, true},
                             {"contactor tripped fraction", 4, true},
                             {"thermal tripped fraction", 5, true},
                             {"UV tripped fraction", 6, true}};

constexpr std::size_t kBuckets = 600;  // time buckets when thinning a long column

}  // namespace

std::vector<std::size_t> plotRows(const std::vector<double>& t, const std::vector<double>& y) {
  std::vector<std::size_t> rows;
  if (t.size() <= 2 * kBuckets || !(t.back() > t.front())) {  // short, or no time span to bucket
    rows.resize(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) rows[k] = k;
  } else {
    const double t0 = t.front(), width = (t.back() - t0) / static_cast<double>(kBuckets);
    auto bucketOf = [&](std::size_t k) {
      return std::min<std::size_t>(kBuckets - 1, static_cast<std::size_t>((t[k] - t0) / width));
    };
    for (std::size_t begin = 0; begin < t.size();) {
      std::size_t end = begin, lo = begin, hi = begin;
      for (; end < t.size() && bucketOf(end) == bucketOf(begin); ++end) {
        if (y[end] < y[lo]) lo = end;
        if (y[end] > y[hi]) hi = end;
      }
      for (std::size_t k : {begin, std::min(lo, hi), std::max(lo, hi), end - 1}) rows.push_back(k);
      begin = end;
    }
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  }
  std::vector<std::size_t> kept;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const bool flat = k > 0 && k + 1 < rows.size() && y[rows[k]] == y[rows[k - 1]] && y[rows[k]] == y[rows[k + 1]];
    if (!flat) kept.push_back(rows[k]);
  }
  return kept;
}

namespace {

// One gnuplot data block per plotted column (`index k`), NaN for missing values.
void writeData(const fs::path& file, const core::TimeSeries& s) {
  std::string text;
  const auto& t = s.time();
  for (const char* name : kColumns) {
    const auto k = s.find(name);
    if (k) {
      for (std::size_t r : plotRows(t, s.columns[*k])) {
        const double x = s.columns[*k][r];
        text += std::isfinite(x) ? fmt::format("{:.9g} {:.9g}\n", t[r], x) : fmt::format("{:.9g} NaN\n", t[r]);
      }
    } else {
      text += "0 NaN\n";
    }
    text += "\n\n";
  }
  std::ofstream(file) << text;
}

bool hasFinite(const core::TimeSeries& s, const char* column) {
  const auto k = s.find(column);
  return k && std::any_of(s.columns[*k].begin(), s.columns[*k].end(), [](double x) { return std::isfinite(x); });
}

// Single-quoted gnuplot string ('' escapes a quote).
std::string gpString(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh temporary folder, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() /
            fmt::format("feederlab-plot-{}-{}-{}", static_cast<long>(::getpid()), counter++, stamp);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Gnuplot's SVG as an element for inlining: no XML prolog, ids made unique per plot.
std::string inlineSvg(std::string svg, const std::string& prefix) {
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return {};
  svg.erase(0, start);
  std::string out;
  out.reserve(svg.size() + 1024);
  for (std::size_t i = 0; i < svg.size();) {
    bool replaced = false;
    for (const std::string from : {"id='", "id=\"", "href='#", "href=\"#"}) {
      if (svg.compare(i, from.size(), from) == 0) {
        out += from + prefix;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += svg[i++];
  }
  return out;
}

}  // namespace

EventPlot renderEventPlot(const EventResult& e, const std::string& gnuplot) {
  struct Line {
    const RunResult* run;
    const char* name;
    const char* style;
  };
  const Line lines[] = {{&e.full, "full", "lw 2 lc rgb '#222222'"},
                        {&e.reduced, "reduced", "lw 1.5 lc rgb '#1f77b4'"},
                        {&e.baseline, "baseline", "lw 1.5 dt 2 lc rgb '#e06c00'"}};
  TempDir tmp;
  std::vector<const Line*> present;
  double t_end = 0.0;
  for (const auto& l : lines) {
    if (!l.run->series || l.run->series->rows() == 0 || l.run->series->names.empty()) continue;
    writeData(tmp.path() / (std::string(l.name) + ".dat"), *l.run->series);
    t_end = std::max(t_end, l.run->series->time().back());
    present.push_back(&l);
  }
  if (present.empty()) return {"", "no time series for this event"};

  std::string gp =
      "set terminal svg size 1100,1250 dynamic noenhanced font 'sans,11' background '#ffffff'\n"
      "set output 'plot.svg'\n";
  gp += fmt::format("set multiplot layout 4,2 title {}\n", gpString(e.name));
  gp += fmt::format("set grid\nset key top right\nset xlabel 't (s)'\nset xrange [0:{:.9g}]\n", t_end);
  gp += fmt::format(
      "set object 1 rect from {:.9g}, graph 0 to {:.9g}, graph 1 behind fc rgb '#f6d5d5' "
      "fs solid 0.7 noborder\n",
      e.disturbance.t_on_s, std::max(e.disturbance.t_clear_s, e.disturbance.t_on_s + 1e-3));
  for (const auto& p : kPanels) {
    gp += fmt::format("set title {}\n", gpString(p.title));
    gp += p.fraction ? "set yrange [0:*]\n" : "set autoscale y\n";
    std::string plot;
    for (const Line* l : present) {
      if (!hasFinite(*l->run->series, kColumns[p.block])) continue;  // gnuplot stops on an all-NaN plot
      plot += fmt::format("{}'{}.dat' index {} using 1:2 with lines {} title '{}'", plot.empty() ? "plot " : ", ",
                          l->name, p.block, l->style, l->name);
    }
    if (plot.empty()) {
      gp += "set yrange [0:1]\nset label 99 'no data' at graph 0.5, graph 0.5 center\nplot 2 notitle\nunset label 99\n";
    } else {
      gp += plot + "\n";
    }
  }
  gp += "unset multiplot\nset output\n";
  std::ofstream(tmp.path() / "plot.gp") << gp;

  const std::string command =
      fmt::format("cd {} && {} plot.gp > gnuplot.log 2>&1", shellQuote(tmp.path().string()), shellQuote(gnuplot));
  const int status = std::system(command.c_str());
  const int code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  if (code == 127) return {"", fmt::format("gnuplot not found ('{}'; install gnuplot-nox): plots omitted", gnuplot)};
  const auto svg = slurp(tmp.path() / "plot.svg");
  if (code != 0 || svg.find("</svg>") == std::string::npos) {
    std::string log = slurp(tmp.path() / "gnuplot.log");
    if (log.size() > 400) log = log.substr(log.size() - 400);
    return {"", fmt::format("gnuplot failed (exit {}): {}", code, log)};
  }
  static std::atomic<int> plot_counter{0};
  return {inlineSvg(svg, fmt::format("p{}_", plot_counter++)), ""};
}

}  // namespace feederlab::report
