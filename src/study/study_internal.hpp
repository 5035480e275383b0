// Study internals shared by study.cpp and study_outputs.cpp.
#pragma once

#include <filesystem>
#include <vector>

#include "feederlab/reduce/reduce.hpp"
#include "feederlab/sim/simulate.hpp"
#include "feederlab/study/study.hpp"

namespace feederlab::study {

// metrics.json, report.md and report.html (report/study_report.hpp) from the finished runs;
// results[e * 3 + m] with m = 0 full, 1 reduced, 2 baseline.
void writeStudyOutputs(const std::filesystem::path& dir, const StudyResult& study, const reduce::Reduction& reduction,
                       const model::Feeder& full, const std::vector<sim::Result>& results, const Options& options);

}  // namespace feederlab::study
