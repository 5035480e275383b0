// Utility data validation: counts and totals (`feederlab info`) and the findings report
// (`feederlab validate`), both defined in ../shared/design/cli.md.
#pragma once

#include <string>
#include <vector>

#include "feederlab/core/diagnostics.hpp"
#include "feederlab/model/feeder.hpp"

namespace feederlab::validate {

// Figures of `feederlab info`, with cli.md's counting rules: element counts include disabled
// objects, `lines` excludes switches, `transformers` includes regulator units, `buses`/`nodes`
// count only buses that enabled elements touch (as OpenDSS does), totals are enabled loads at
// nominal voltage after allocation factors and loadmult.
struct FeederCounts {
  std::string format;
  int buses = 0;
  int nodes = 0;
  int lines = 0;
  int switches = 0;
  int transformers = 0;
  int regulators = 0;
  int capacitors = 0;
  int loads = 0;
  double total_kw = 0.0;
  double total_kvar = 0.0;
  std::vector<double> voltage_bases_kv;  // descending
  int warnings = 0;                      // importer warnings
};

FeederCounts countFeeder(const model::Feeder& feeder);

struct ValidationSummary {
  FeederCounts counts;
  double primary_length_km = 0.0;  // lines and cables above 1 kV, switches excluded
  double secondary_length_km = 0.0;
  std::vector<double> voltage_levels_kv;  // distinct bus bases found on energized buses
  int energized_buses = 0;
  int islands = 0;
  int loops = 0;
  int source_side_loads = 0;
  std::string head_bus;
  int errors = 0, warnings = 0, infos = 0;
};

struct ValidationReport {
  std::string feeder_name;
  ValidationSummary summary;
  std::vector<core::Finding> findings;  // importer diagnostics first, then model checks
};

// Runs every data check on the feeder (topology, phases, voltage bases, impedances, names).
ValidationReport validateFeeder(const model::Feeder& feeder);

}  // namespace feederlab::validate
