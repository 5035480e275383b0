#include "csv_table.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "feederlab/core/strings.hpp"

namespace feederlab::io::csv {

core::SourceLocation cellLocation(const std::string& file, int line) {
  return core::SourceLocation{file, line};
}

CellError::CellError(const std::string& file, int row, const std::string& column, std::string offending,
                     const std::string& message)
    : core::InputError(cellLocation(file, row), offending, column.empty() ? message : column + ": " + message),
      text_(file + ":" + std::to_string(row) + (column.empty() ? "" : ":" + column) + ": " + message +
            (offending.empty() ? "" : " [" + offending + "]")) {}

namespace {

// An unterminated quote: where its record starts and which field holds it.
struct UnterminatedQuote {
  int line = 0;
  std::size_t record_offset = 0;
  std::size_t field_index = 0;
};

struct RawRecord {
  int line = 0;
  std::vector<std::string> fields;
  bool comment_or_blank = false;
};

// Splits the text into records; quoted fields may hold commas, doubled quotes and newlines.
std::vector<RawRecord> splitRecords(std::string_view text) {
  std::vector<RawRecord> records;
  std::size_t i = 0;
  int line = 1;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte-order mark
  while (i < text.size()) {
    const std::size_t record_offset = i;
    RawRecord rec;
    rec.line = line;
    std::string field;
    bool quoted_any = false;
    bool at_end = false;
    while (!at_end) {
      if (i >= text.size()) break;
      const char c = text[i];
      if (c == '"') {
        const int quote_line = line;
        quoted_any = true;
        ++i;
        for (;;) {
          if (i >= text.size()) throw UnterminatedQuote{quote_line, record_offset, rec.fields.size()};
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        continue;
      }
      if (c == ',') {
        rec.fields.push_back(quoted_any ? field : std::string(core::trim(field)));
        field.clear();
        quoted_any = false;
        ++i;
        continue;
      }
      if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        at_end = true;
        continue;
      }
      field += c;
      ++i;
    }
    rec.fields.push_back(quoted_any ? field : std::string(core::trim(field)));
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty() && !quoted_any;
    rec.comment_or_blank = blank || (!rec.fields.empty() && !rec.fields[0].empty() && rec.fields[0][0] == '#');
    records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace

Table Table::parse(std::string file, std::string_view text, std::string_view first_column) {
  Table table;
  table.file_ = std::move(file);
  std::vector<RawRecord> records;
  try {
    records = splitRecords(text);
  } catch (const UnterminatedQuote& q) {
    // Name the column: the header is in the text before the broken record (if that is not it).
    std::string column = "field " + std::to_string(q.field_index + 1);
    if (q.record_offset > 0) {
      try {
        const auto head = parse(table.file_, text.substr(0, q.record_offset), first_column);
        if (q.field_index < head.header_.size()) column = head.header_[q.field_index];
      } catch (const core::InputError&) {  // no header before it: keep "field N"
      }
    } else if (q.field_index == 0 && !first_column.empty()) {
      column = std::string(first_column);
    }
    throw CellError(table.file_, q.line, column, "", "unterminated quoted field (truncated file?)");
  }
  std::size_t first = 0;
  while (first < records.size() && records[first].comment_or_blank) ++first;
  if (first == records.size())
    throw CellError(table.file_, 1, std::string(first_column.empty() ? "header" : first_column), "",
                    "empty file, expected a header row");
  std::set<std::string> seen;
  for (const auto& name : records[first].fields) {
    std::string key = core::toLower(name);
    if (key.empty())
      throw CellError(table.file_, records[first].line, "column " + std::to_string(table.header_.size() + 1), "",
                      "empty column name in the header row");
    if (!seen.insert(key).second)
      throw CellError(table.file_, records[first].line, key, name, "column appears twice in the header row");
    table.header_.push_back(std::move(key));
  }
  for (std::size_t r = first + 1; r < records.size(); ++r) {
    auto& rec = records[r];
    if (rec.comment_or_blank) continue;
    if (rec.fields.size() < table.header_.size()) {
      const auto& missing = table.header_[rec.fields.size()];
      throw CellError(table.file_, rec.line, missing, "",
                      "missing value (row has " + std::to_string(rec.fields.size()) + " fields, the header " +
                          std::to_string(table.header_.size()) + "; truncated row?)");
    }
    if (rec.fields.size() > table.header_.size()) {
      throw CellError(table.file_, rec.line, table.header_.back(), rec.fields[table.header_.size()],
                      "row has " + std::to_string(rec.fields.size()) + " fields, the header " +
                          std::to_string(table.header_.size()));
    }
    table.rows_.push_back(Row{rec.line, std::move(rec.fields)});
  }
  return table;
}

Table Table::read(const std::filesystem::path& path, std::string_view first_column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError(cellLocation(path.string(), 0), "", "cannot read the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse(path.string(), buffer.str(), first_column);
}

void Table::requireColumns(const std::vector<std::string_view>& names) const {
  for (auto name : names)
    if (!hasColumn(name))
      throw CellError(file_, 1, std::string(name), "", "required column is missing from the header row");
}

std::optional<std::size_t> Table::findColumn(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

const std::string* Table::field(const Row& row, std::string_view column) const {
  const auto index = findColumn(column);
  if (!index || *index >= row.fields.size()) return nullptr;
  return &row.fields[*index];
}

CellError Table::error(const Row& row, std::string_view column, const std::string& message) const {
  const auto* value = field(row, column);
  return CellError(file_, row.line, std::string(column), value ? *value : std::string(), message);
}

std::string Table::text(const Row& row, std::string_view column) const {
  const auto* value = field(row, column);
  if (!findColumn(column))
    throw CellError(file_, row.line, std::string(column), "", "required column is missing from the header row");
  if (!value || value->empty()) throw error(row, column, "required value is empty");
  return *value;
}

std::string Table::textOr(const Row& row, std::string_view column, std::string fallback) const {
  const auto* value = field(row, column);
  return value && !value->empty() ? *value : std::move(fallback);
}

double Table::number(const Row& row, std::string_view column) const {
  const std::string value = text(row, column);
  double out = 0.0;
  if (!core::parseDouble(value, out)) throw error(row, column, "not a number");
  return out;
}

std::optional<double> Table::optionalNumber(const Row& row, std::string_view column) const {
  const auto* value = field(row, column);
  if (!value || value->empty()) return std::nullopt;
  double out = 0.0;
  if (!core::parseDouble(*value, out)) throw error(row, column, "not a number");
  return out;
}

double Table::numberOr(const Row& row, std::string_view column, double fallback) const {
  return optionalNumber(row, column).value_or(fallback);
}

double Table::positive(const Row& row, std::string_view column, bool allow_zero) const {
  const double value = number(row, column);
  if (value < 0.0 || (!allow_zero && value == 0.0))
    throw error(row, column, allow_zero ? "must not be negative" : "must be greater than zero");
  return value;
}

int Table::integer(const Row& row, std::string_view column) const {
  const std::string value = text(row, column);
  int out = 0;
  if (!core::parseInt(value, out)) throw error(row, column, "not an integer");
  return out;
}

}  // namespace feederlab::io::csv
