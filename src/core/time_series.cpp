#include "feederlab/core/time_series.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::core {

std::optional<std::size_t> TimeSeries::find(std::string_view name) const {
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return k;
  return std::nullopt;
}

const std::vector<double>& TimeSeries::column(std::string_view name) const {
  if (auto k = find(name)) return columns[*k];
  throw std::out_of_range("time series has no column '" + std::string(name) + "'");
}

std::vector<double>& TimeSeries::column(std::string_view name) {
  if (auto k = find(name)) return columns[*k];
  throw std::out_of_range("time series has no column '" + std::string(name) + "'");
}

void TimeSeries::addColumn(std::string name, std::vector<double> values) {
  if (find(name)) throw std::invalid_argument("duplicate time-series column '" + name + "'");
  if (!columns.empty() && values.size() != rows())
    throw std::invalid_argument("time-series column '" + name + "' has " + std::to_string(values.size()) +
                                " rows, the others " + std::to_string(rows()));
  names.push_back(std::move(name));
  columns.push_back(std::move(values));
}

void TimeSeries::appendRow(const std::vector<double>& values) {
  if (values.size() != columns.size())
    throw std::invalid_argument("time-series row has " + std::to_string(values.size()) + " values for " +
                                std::to_string(columns.size()) + " columns");
  for (std::size_t k = 0; k < values.size(); ++k) columns[k].push_back(values[k]);
}

std::string timeSeriesCsv(const TimeSeries& series) {
  std::string out;
  for (std::size_t k = 0; k < series.names.size(); ++k) {
    if (k) out += ',';
    out += series.names[k];
  }
  out += '\n';
  char buf[32];
  for (std::size_t r = 0; r < series.rows(); ++r) {
    for (std::size_t k = 0; k < series.columns.size(); ++k) {
      if (k) out += ',';
      const double v = series.columns[k][r];
      if (std::isfinite(v)) {
        std::snprintf(buf, sizeof buf, "%.10g", v);
        out += buf;
      }
    }
    out += '\n';
  }
  return out;
}

void writeTimeSeriesCsv(const std::filesystem::path& path, const TimeSeries& series) {
  writeFileAtomic(path, timeSeriesCsv(series));
}

TimeSeries readTimeSeriesCsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError({path.string(), 0}, "", "cannot open the time-series file");
  TimeSeries ts;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto fields = split(line, ',');
    if (ts.names.empty()) {
      for (const auto& f : fields) ts.addColumn(std::string(trim(f)));
      if (ts.names.empty() || ts.names[0] != "t")
        throw InputError({path.string(), line_no}, line, "the first column must be 't'");
      continue;
    }
    if (fields.size() != ts.names.size())
      throw InputError({path.string(), line_no}, line,
                       "expected " + std::to_string(ts.names.size()) + " fields, found " + std::to_string(fields.size()));
    std::vector<double> row(fields.size());
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const auto f = trim(fields[k]);
      if (f.empty() && k > 0) {
        row[k] = std::nan("");
      } else if (!parseDouble(f, row[k])) {
        throw InputError({path.string(), line_no}, std::string(f), "not a number in column '" + ts.names[k] + "'");
      }
    }
    if (ts.rows() > 0 && !(row[0] > ts.columns[0].back()))
      throw InputError({path.string(), line_no}, std::string(trim(fields[0])), "time must increase strictly");
    ts.appendRow(row);
  }
  if (ts.names.empty()) throw InputError({path.string(), 0}, "", "empty time-series file (no header)");
  return ts;
}

}  // namespace feederlab::core
