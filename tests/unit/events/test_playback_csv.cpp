// Playback CSV reader and writer on their own.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "feederlab/events/playback_csv.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab::events;
using feederlab::core::InputError;

namespace {

fs::path writeCsv(const std::string& name, const std::string& text) {
  const fs::path file = feederlab::test::scratchDir("playback_" + name) / (name + ".csv");
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

// The error message of reading `text`, "" if it reads; checks that it is an InputError naming the file.
std::string errorOf(const std::string& name, const std::string& text, int expected_line) {
  const fs::path file = writeCsv(name, text);
  try {
    (void)readPlaybackCsv(file);
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
    CHECK(e.where().line == expected_line);
    return e.what();
  } catch (const std::exception& e) {
    FAIL_CHECK("not an InputError: " << e.what());
    return e.what();
  }
  FAIL_CHECK(name << " did not fail");
  return "";
}

const std::string kHeader = "t,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg,angle_c_deg\n";

}  // namespace

TEST_CASE("playback csv: columns in any order - comments - CRLF - extra columns") {
  const fs::path file = writeCsv("order",
                                 "# recorded somewhere\r\n"
                                 "angle_c_deg, t ,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg,freq_hz\r\n"
                                 "120,0,1.01,1.02,1.03,0,-120,60\r\n"
                                 "\r\n"
                                 "119.5,0.5,0.5,0.6,0.7,-1,-121,59.9\r\n");
  const PlaybackSeries s = readPlaybackCsv(file);
  REQUIRE(s.samples.size() == 2);
  CHECK(s.samples[0].magnitude_pu == PhaseValues{1.01, 1.02, 1.03});
  CHECK(s.samples[1].t_s == 0.5);
  CHECK(s.samples[1].angle_deg == PhaseValues{-1.0, -121.0, 119.5});
  CHECK(s.validate().empty());
}

TEST_CASE("playback csv: write then read is exact") {
  PlaybackSeries s;
  for (int i = 0; i < 50; ++i) {
    const double t = i / 7.0;
    s.samples.push_back(
        {.t_s = t, .magnitude_pu = {1.0 / 3.0, 0.1 * i / 49.0, 1.0}, .angle_deg = {t, -120.0 - t, 1e-7}});
  }
  const fs::path file = writeCsv("round_trip", writePlaybackCsv(s));
  CHECK(readPlaybackCsv(file) == s);
}

TEST_CASE("playback csv: every kind of bad file is an InputError with file - row and column") {
  const std::string ok_row = "0,1,1,1,0,-120,120\n";
  CHECK(errorOf("missing_column", "t,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg\n" + ok_row, 1).find("angle_c_deg") !=
        std::string::npos);
  CHECK(errorOf("duplicate", "t,t,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg,angle_c_deg\n", 1).find("twice") !=
        std::string::npos);
  CHECK(errorOf("bad_number", kHeader + ok_row + "1,1,1,1,0,abc,120\n", 3).find("column 6 (angle_b_deg)") !=
        std::string::npos);
  CHECK(errorOf("nan", kHeader + ok_row + "1,nan,1,1,0,-120,120\n", 3).find("column 2 (va_pu)") != std::string::npos);
  CHECK(errorOf("empty_cell", kHeader + ok_row + "1,1,,1,0,-120,120\n", 3).find("column 3") != std::string::npos);
  CHECK(errorOf("short_row", kHeader + ok_row + "1,1,1\n", 3).find("3 column(s)") != std::string::npos);
  CHECK(errorOf("decreasing", kHeader + "1,1,1,1,0,-120,120\n0.5,1,1,1,0,-120,120\n", 3).find("does not increase") !=
        std::string::npos);
  CHECK(errorOf("magnitude", kHeader + ok_row + "1,1,-0.2,1,0,-120,120\n", 3).find("outside [0, 2]") !=
        std::string::npos);
  CHECK(errorOf("one_row", kHeader + ok_row, 2).find("at least two") != std::string::npos);
  CHECK(errorOf("no_header", "# only a comment\n", 0).find("no header") != std::string::npos);
  CHECK(errorOf("empty", "", 0).find("no header") != std::string::npos);
  CHECK(errorOf("missing", "", 0).size() > 0);
  const fs::path nowhere = feederlab::test::scratchDir("playback_nowhere") / "none.csv";
  CHECK_THROWS_AS((void)readPlaybackCsv(nowhere), InputError);
}
