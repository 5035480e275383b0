// Playback CSV reader and writer (docs/events.md).
#include "feederlab/events/playback_csv.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::events {

namespace {

constexpr std::array<std::string_view, 7> kColumns{"t",           "va_pu",       "vb_pu",      "vc_pu",
                                                   "angle_a_deg", "angle_b_deg", "angle_c_deg"};

class CsvReader {
 public:
  explicit CsvReader(const std::filesystem::path& path) : file_(path.string()) {}

  PlaybackSeries read() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw core::InputError({file_, 0}, "", "cannot read the playback CSV file");
    std::string line;
    int row = 0;
    while (std::getline(in, line)) {
      ++row;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const std::string_view text = core::trim(line);
      if (text.empty() || text.front() == '#') continue;
      if (!header_seen_) {
        header(text, row);
      } else {
        sample(text, row);
      }
    }
    if (!header_seen_) throw core::InputError({file_, 0}, "", "no header row (expected " + expectedHeader() + ")");
    if (series_.samples.size() < 2) {
      throw core::InputError({file_, row}, "",
                             fmt::format("{} sample row(s): a playback needs at least two", series_.samples.size()));
    }
    return std::move(series_);
  }

 private:
  static std::string expectedHeader() { return fmt::format("{}", fmt::join(kColumns, ",")); }

  void header(std::string_view text, int row) {
    const auto cells = core::split(text, ',');
    width_ = cells.size();
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string name = core::toLower(core::trim(cells[c]));
      for (std::size_t k = 0; k < kColumns.size(); ++k) {
        if (name != kColumns[k]) continue;
        if (index_[k]) {
          throw core::InputError({file_, row}, name, fmt::format("column {}: \"{}\" appears twice", c + 1, name));
        }
        index_[k] = c;
      }
    }
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      if (!index_[k]) {
        throw core::InputError({file_, row}, std::string(kColumns[k]),
                               fmt::format("header lacks column \"{}\" (expected {})", kColumns[k], expectedHeader()));
      }
    }
    header_seen_ = true;
  }

  double cell(const std::vector<std::string>& cells, std::size_t k, int row) const {
    const std::size_t c = *index_[k];
    double v = 0.0;
    if (!core::parseDouble(cells[c], v)) {
      throw core::InputError({file_, row}, std::string(core::trim(cells[c])),
                             fmt::format("column {} ({}): not a finite number", c + 1, kColumns[k]));
    }
    return v;
  }

  void sample(std::string_view text, int row) {
    const auto cells = core::split(text, ',');
    if (cells.size() != width_) {
      throw core::InputError({file_, row}, std::string(text),
                             fmt::format("{} column(s) where the header has {}", cells.size(), width_));
    }
    PlaybackSample s{.t_s = cell(cells, 0, row)};
    for (std::size_t p = 0; p < 3; ++p) {
      s.magnitude_pu[p] = cell(cells, 1 + p, row);
      s.angle_deg[p] = cell(cells, 4 + p, row);
      if (s.magnitude_pu[p] < 0.0 || s.magnitude_pu[p] > kMaxPlaybackMagnitudePu) {
        const std::size_t c = *index_[1 + p];
        throw core::InputError({file_, row}, std::string(core::trim(cells[c])),
                               fmt::format("column {} ({}): magnitude {} pu outside [0, {}]", c + 1, kColumns[1 + p],
                                           s.magnitude_pu[p], kMaxPlaybackMagnitudePu));
      }
    }
    if (!series_.samples.empty() && !(s.t_s > series_.samples.back().t_s)) {
      const std::size_t c = *index_[0];
      throw core::InputError({file_, row}, std::string(core::trim(cells[c])),
                             fmt::format("column {} (t): time {} s does not increase on the previous row ({} s)", c + 1,
                                         s.t_s, series_.samples.back().t_s));
    }
    series_.samples.push_back(s);
  }

  std::string file_;
  bool header_seen_ = false;
  std::size_t width_ = 0;
  std::array<std::optional<std::size_t>, 7> index_{};
  PlaybackSeries series_;
};

}  // namespace

PlaybackSeries readPlaybackCsv(const std::filesystem::path& path) {
  return CsvReader(path).read();
}

std::string writePlaybackCsv(const PlaybackSeries& series) {
  std::string out = fmt::format("{}\n", fmt::join(kColumns, ","));
  for (const PlaybackSample& s : series.samples) {
    // {} prints the shortest text that reads back to the same double.
    out += fmt::format("{},{},{},{},{},{},{}\n", s.t_s, s.magnitude_pu[0], s.magnitude_pu[1], s.magnitude_pu[2],
                       s.angle_deg[0], s.angle_deg[1], s.angle_deg[2]);
  }
  return out;
}

}  // namespace feederlab::events
