// Readers for the external reference files of validation/dynamics (read in place from ../shared):
//   DynawoCurves   Dynawo curves.csv: ';'-separated, header row, trailing ';', variable time steps;
//                  a discrete event is written as two (or more) rows with the same time (before,
//                  after). column(name) gives one signal; Series::at(t, right) interpolates linearly
//                  and takes the left or right limit at a repeated time.
//   GldPlayer      GridLAB-D player / assert files: "YYYY-MM-DD HH:MM:SS[.ffff] TZ,value" lines,
//                  value held until the next line; times returned in s since the first line's
//                  midnight-relative clock (only HH:MM:SS matters here, all files stay in one day);
//                  values: real numbers, rectangular complex (+a+bj) or polar (m+ad) -> magnitude.
//                  Files ending in .gz are read through `gzip -dc` (the reference stores them so).
// Header-only; used only by the validation programs in this folder. Bad input throws
// std::runtime_error naming the file and line.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace feederlab::validation {

struct Series {
  std::vector<double> t, y;

  // Linear interpolation; at a repeated time `right` picks the last (after) or first (before) row.
  double at(double time, bool right = true) const {
    if (t.empty()) throw std::runtime_error("empty series");
    // right: first row with t > time; left: first row with t >= time. The bracketing rows then
    // never share a time stamp, so a repeated time yields its last (right) or first (left) row.
    const auto it = right ? std::upper_bound(t.begin(), t.end(), time) : std::lower_bound(t.begin(), t.end(), time);
    const auto k = static_cast<std::size_t>(it - t.begin());
    if (k == 0) return y.front();
    if (k >= t.size()) return y.back();
    const std::size_t a = k - 1;
    return y[a] + (y[k] - y[a]) * (time - t[a]) / (t[k] - t[a]);
  }
};

class DynawoCurves {
 public:
  explicit DynawoCurves(const std::filesystem::path& file) : file_(file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::string line;
    std::getline(in, line);
    names_ = split(line);
    std::size_t lineno = 1;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty()) continue;
      auto cells = split(line);
      if (cells.size() != names_.size())
        throw std::runtime_error(file.string() + ":" + std::to_string(lineno) + ": expected " +
                                 std::to_string(names_.size()) + " columns, got " + std::to_string(cells.size()));
      std::vector<double> row;
      for (const auto& c : cells) row.push_back(std::stod(c));
      rows_.push_back(std::move(row));
    }
  }
  std::size_t rowCount() const { return rows_.size(); }
  double time(std::size_t r) const { return rows_[r][0]; }
  std::size_t index(const std::string& name) const {
    auto it = std::find(names_.begin(), names_.end(), name);
    if (it == names_.end()) throw std::runtime_error(file_.string() + ": no column " + name);
    return static_cast<std::size_t>(it - names_.begin());
  }
  double value(std::size_t r, const std::string& name) const { return rows_[r][index(name)]; }
  Series column(const std::string& name) const {
    const std::size_t c = index(name);
    Series s;
    for (const auto& r : rows_) {
      s.t.push_back(r[0]);
      s.y.push_back(r[c]);
    }
    return s;
  }
  // Times that appear on more than one row: Dynawo's discrete events.
  std::vector<double> eventTimes() const {
    std::vector<double> out;
    for (std::size_t r = 1; r < rows_.size(); ++r)
      if (rows_[r][0] == rows_[r - 1][0] && (out.empty() || out.back() != rows_[r][0])) out.push_back(rows_[r][0]);
    return out;
  }

 private:
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ';')) out.push_back(cell);
    while (!out.empty() && out.back().empty()) out.pop_back();  // trailing ';'
    return out;
  }
  std::filesystem::path file_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> rows_;
};

// GridLAB-D player: a step series (value held until the next entry).
struct GldPlayer {
  std::vector<double> t, value;
  // Value in force at time `time` (the last entry with t <= time).
  double at(double time) const {
    auto it = std::upper_bound(t.begin(), t.end(), time);
    if (it == t.begin()) return value.front();
    return value[static_cast<std::size_t>(it - t.begin()) - 1];
  }
  // Instants where the value changes, with the new value.
  std::vector<std::pair<double, double>> transitions() const {
    std::vector<std::pair<double, double>> out;
    for (std::size_t k = 1; k < t.size(); ++k)
      if (value[k] != value[k - 1]) out.emplace_back(t[k], value[k]);
    return out;
  }
};

namespace detail {
inline double parseClockSeconds(const std::string& stamp, const std::string& where) {
  // "YYYY-MM-DD HH:MM:SS[.f] TZ": the second space-separated field.
  std::stringstream ss(stamp);
  std::string date, clock;
  ss >> date >> clock;
  int h = 0, m = 0;
  double s = 0.0;
  if (std::sscanf(clock.c_str(), "%d:%d:%lf", &h, &m, &s) != 3) throw std::runtime_error(where + ": bad time " + stamp);
  return 3600.0 * h + 60.0 * m + s;
}
inline double parseValue(std::string v, const std::string& where) {
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == ' ' || c == '\r'; }), v.end());
  if (v == "ON") return 1.0;
  if (v == "OFF") return 0.0;
  const char last = v.empty() ? '\0' : v.back();
  if (last == 'j' || last == 'd') {
    // split at the sign that starts the second number (not an exponent sign, not position 0)
    std::size_t k = v.size() - 1;
    while (k > 0) {
      --k;
      if ((v[k] == '+' || v[k] == '-') && k > 0 && v[k - 1] != 'e' && v[k - 1] != 'E') break;
    }
    const double a = std::stod(v.substr(0, k)), b = std::stod(v.substr(k, v.size() - 1 - k));
    return last == 'j' ? std::hypot(a, b) : std::abs(a);
  }
  try {
    return std::stod(v);
  } catch (const std::exception&) {
    throw std::runtime_error(where + ": bad value '" + v + "'");
  }
}
}  // namespace detail

inline GldPlayer readGldPlayer(const std::filesystem::path& file) {
  std::string text;
  if (file.extension() == ".gz") {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("gzip -dc '" + file.string() + "'").c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run gzip -dc on " + file.string());
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) text.append(buf, n);
  } else {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  if (text.empty()) throw std::runtime_error(file.string() + ": empty");
  GldPlayer p;
  std::stringstream lines(text);
  std::string line;
  std::size_t lineno = 0;
  double t0 = -1.0;
  while (std::getline(lines, line)) {
    ++lineno;
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    const auto comma = line.find(',');
    const std::string where = file.string() + ":" + std::to_string(lineno);
    if (comma == std::string::npos) throw std::runtime_error(where + ": no ','");
    double t = detail::parseClockSeconds(line.substr(0, comma), where);
    if (t0 < 0.0) t0 = std::floor(t / 60.0) * 60.0;  // the files start on a full minute
    p.t.push_back(t - t0);
    p.value.push_back(detail::parseValue(line.substr(comma + 1), where));
  }
  return p;
}

}  // namespace feederlab::validation
