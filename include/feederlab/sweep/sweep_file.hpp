// Sweep files (issue 8, docs/sweep.md): many feeders x events x parameter variations.
//
// A sweep file is JSON ("format": "feederlab-sweep/1") naming
//   feeders     files, folders (utility CSV) or globs ("../feeders/*/Master.dss"), or objects
//               {"path", "format", "name"};
//   events      event files, folders of event files, "default" (the study's ten events) or grids
//               {"source_sag_grid": {"magnitude_pu": [..], "duration_cycles": [..] | "duration_s": [..],
//                "t_on_s", "t_end_s", "output_interval_s"}};
//   variations  axes whose cartesian product is applied to every (feeder, event):
//               "compositions" (composition files; "default" = the class compositions),
//               "sections" (integers or "auto"), "parameters" ({"motor_d.v_stall": [0.5, 0.6], ...}).
// Relative paths resolve against the sweep file's folder. Cases = feeders x events x variations,
// each with a stable id "<feeder>__<event>__<variation>" built only from names and values, so a
// case keeps its id (and its output folder) when the sweep is rerun or extended. Cases are sorted
// by id: every scheduler and every output uses that order.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feederlab/events/scenario.hpp"
#include "feederlab/model/load_composition.hpp"

namespace feederlab::sweep {

inline constexpr std::string_view kSweepFormat = "feederlab-sweep/1";

struct FeederSpec {
  std::string name;             // unique within the sweep; part of case ids
  std::filesystem::path path;   // resolved (absolute, normalised)
  std::string format = "auto";  // io::importFeeder format
  std::string as_written;       // path as the sweep file (or its glob) gives it, relative to the sweep file
};

struct Variation {
  std::string id = "base";  // "base", or parts joined by '+': "comp-<stem>", "s<N>", "<field>-<value>"
  std::optional<std::filesystem::path> composition;        // nullopt = the class compositions
  std::string composition_as_written;                      // "" for the default
  std::optional<int> sections;                             // nullopt = auto
  std::vector<std::pair<std::string, double>> parameters;  // ("motor_d.v_stall", 0.6), sorted by key
};

struct Case {
  std::string id;
  FeederSpec feeder;
  events::Scenario event;
  Variation variation;
};

struct SweepPlan {
  std::string name;                 // "name" key, or the sweep file's stem
  std::filesystem::path file;       // the sweep file
  std::vector<FeederSpec> feeders;  // in file order (globs sorted)
  std::vector<events::Scenario> events;
  std::vector<Variation> variations;
  bool write_reports = true;   // per-case study reports (report.html, cases/, reduction/)
  double source_mva = 1000.0;  // study source equivalent for stiff sources (cli.md study)
  double source_xr = 10.0;
  std::vector<Case> cases;  // feeders x events x variations, sorted by id
};

// Reads and expands a sweep file. Throws core::InputError naming the file and the key
// ("variations.parameters.motor_d.v_stal") for every problem: unknown keys, missing files,
// globs that match nothing, duplicate names, invalid events.
SweepPlan readSweepFile(const std::filesystem::path& path);
// The same from text; `path` names the file in errors and its folder resolves relative paths.
SweepPlan parseSweep(const std::string& text, const std::filesystem::path& path);

// File-name-safe form of a name: letters, digits, '.', '-', '_' kept, anything else '_'.
std::string safeName(std::string_view name);

// Motor D parameter keys a sweep may vary ("motor_d.v_stall", ...), sorted.
std::vector<std::string> parameterKeys();
bool isParameterKey(std::string_view key);
// Sets each ("motor_d.<field>", value) on spec.parameters; throws std::invalid_argument for an
// unknown key.
void applyParameters(model::CompositeSpec& spec, const std::vector<std::pair<std::string, double>>& parameters);

// FNV-1a of the case ids (in order): ranks check that they expanded the same sweep.
std::uint64_t caseListHash(const std::vector<Case>& cases);

}  // namespace feederlab::sweep
