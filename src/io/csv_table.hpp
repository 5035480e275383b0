// One table of the utility CSV export format (internal to the CSV importer): a header row and data
// rows, each field addressable by column name. Every error is a core::InputError located at
// file:row and naming the column ("nodes.csv:12:nominal_kv: ..."), see docs/utility-csv.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feederlab/core/error.hpp"

namespace feederlab::io::csv {

// An InputError about one cell: where() is {file, row}, and the text reads
// "file:row:column: message [offending]" (a column of "" gives "file:row: message").
class CellError final : public core::InputError {
 public:
  CellError(const std::string& file, int row, const std::string& column, std::string offending,
            const std::string& message);
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  std::string text_;
};

struct Row {
  int line = 0;                     // 1-based physical line of the row's first character
  std::vector<std::string> fields;  // trimmed, unquoted
};

class Table {
 public:
  // Parses CSV text (RFC 4180 quoting; blank lines and lines starting with '#' are skipped).
  // `file` is the name used in messages; `first_column` names the column of an empty file's
  // error. Throws InputError on an empty file, an unterminated quote, a duplicate or empty
  // header name, or a row with more or fewer fields than the header.
  static Table parse(std::string file, std::string_view text, std::string_view first_column = "");
  // Reads `path`; throws InputError when it cannot be read.
  static Table read(const std::filesystem::path& path, std::string_view first_column = "");

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<Row>& rows() const { return rows_; }
  bool hasColumn(std::string_view name) const { return findColumn(name).has_value(); }
  // Throws InputError at file:1:<name> when a required column is absent.
  void requireColumns(const std::vector<std::string_view>& names) const;

  // Field accessors: `required` fields must be present and non-empty; optional ones return the
  // fallback (or nullopt) when the column is absent or the field empty.
  std::string text(const Row& row, std::string_view column) const;
  std::string textOr(const Row& row, std::string_view column, std::string fallback) const;
  double number(const Row& row, std::string_view column) const;
  std::optional<double> optionalNumber(const Row& row, std::string_view column) const;
  double numberOr(const Row& row, std::string_view column, double fallback) const;
  // A number that must be > 0 (or >= 0 when `allow_zero`).
  double positive(const Row& row, std::string_view column, bool allow_zero = false) const;
  int integer(const Row& row, std::string_view column) const;

  // The error to throw about one field: "file:row:column: message [value]".
  CellError error(const Row& row, std::string_view column, const std::string& message) const;

 private:
  std::optional<std::size_t> findColumn(std::string_view name) const;
  const std::string* field(const Row& row, std::string_view column) const;  // nullptr if absent

  std::string file_;
  std::vector<std::string> header_;  // lower-case
  std::vector<Row> rows_;
};

core::SourceLocation cellLocation(const std::string& file, int line);

}  // namespace feederlab::io::csv
