// Time series as columns of doubles sharing a time column: what the simulator records, what
// compare reads and what the reports plot (cli.md timeseries.csv). Missing values are NaN and
// are written as empty CSV fields.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feederlab::core {

struct TimeSeries {
  std::vector<std::string> names;            // column names; names[0] is "t" (seconds)
  std::vector<std::vector<double>> columns;  // one vector per name, all of rows() length

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  std::optional<std::size_t> find(std::string_view name) const;
  // Throws std::out_of_range naming the column when it is missing.
  const std::vector<double>& column(std::string_view name) const;
  std::vector<double>& column(std::string_view name);
  const std::vector<double>& time() const { return columns.at(0); }
  // Appends a column (throws std::invalid_argument on a duplicate name or a length mismatch
  // with existing columns).
  void addColumn(std::string name, std::vector<double> values = {});
  // Appends one row: values in column order (throws std::invalid_argument on a size mismatch).
  void appendRow(const std::vector<double>& values);
};

// CSV with a header row, full double precision (%.10g), NaN as an empty field; written
// atomically (temporary file, then rename).
std::string timeSeriesCsv(const TimeSeries& series);
void writeTimeSeriesCsv(const std::filesystem::path& path, const TimeSeries& series);
// Throws core::InputError (file:line, offending text) on a malformed file; the first column
// must be "t" and strictly increasing.
TimeSeries readTimeSeriesCsv(const std::filesystem::path& path);

}  // namespace feederlab::core
