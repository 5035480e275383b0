// Event files (JSON) to and from Scenario; the format is specified in docs/events.md.
//
//   readScenario(path)   parses, resolves and reads playback CSVs (relative to the event file's
//                        folder), validates; unknown keys are errors. Every failure is a
//                        core::InputError naming the file and the JSON path of the offending key
//                        ("events[2].fault.impedance_ohm"), or the line and column of a JSON syntax
//                        error, or the CSV file, row and column of a bad playback value.
//   writeScenario(s)     the JSON text of a scenario (times in seconds, numbers written so that they
//                        read back exactly); readScenario(writeScenario(s)) == s, provided the
//                        playback CSV paths, written as given, resolve from where the file is put.
#pragma once

#include <filesystem>
#include <string>

#include "feederlab/events/scenario.hpp"

namespace feederlab::events {

inline constexpr std::string_view kEventFormat = "feederlab-events/1";

Scenario readScenario(const std::filesystem::path& path);
std::string writeScenario(const Scenario& scenario);

}  // namespace feederlab::events
