// Per-case outputs of a sweep (issue 8): atomic case folders, finished markers, restart.
//
// A case runs in DIR/cases/.tmp/<id>.<host>.<pid>.<rank>.<thread>/; when it is done the store
// writes there case.json (the deterministic record: case description, status, error, results),
// timing.json (runtime, host, rank, thread) and the marker `finished`, then renames the folder to
// DIR/cases/<id>. A reader therefore sees either no case folder or a complete one, and a sweep
// killed at any moment leaves only .tmp/ debris, which the next run deletes. A case is finished
// when DIR/cases/<id>/finished exists and case.json parses and names the case.
//
// The runner is injectable: the real one runs study::runStudy (study_runner.hpp), tests use a
// cheap fake. It returns the case's results as a JSON object text (deterministic numbers only, no
// timings) or throws; an exception makes the case "failed" with its message, the sweep goes on.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/sweep/sweep_file.hpp"

namespace feederlab::sweep {

// Runs one case; `dir` is the (temporary) case folder for its outputs. Returns the results JSON
// object as text. Throws on failure.
using CaseRunner = std::function<std::string(const Case& c, const std::filesystem::path& dir)>;

// What case.json holds: the same bytes whichever rank or thread ran the case.
struct CaseRecord {
  std::string id;
  std::string status;        // "ok" or "failed"
  std::string error;         // failure message ("" when ok)
  std::string error_kind;    // "input", "model", "numerical", "other" ("" when ok)
  std::string results_json;  // the runner's JSON object, "null" when failed
};

struct CaseTiming {
  double runtime_s = 0.0;
  int rank = 0;
  int thread = 0;
  std::string host;
  bool reused = false;  // finished by an earlier run, not run now
};

struct CaseResult {
  CaseRecord record;
  CaseTiming timing;
};

// case.json text of a record (with the case description: feeder, event, variation).
std::string caseJson(const Case& c, const CaseRecord& record);
// Parses case.json text back (throws std::runtime_error when it is not a case record).
CaseRecord parseCaseJson(const std::string& text);
std::string timingJson(const CaseTiming& timing);
CaseTiming parseTimingJson(const std::string& text);

// Transport form of a CaseResult between ranks (JSON text).
std::string encodeResult(const CaseResult& result);
CaseResult decodeResult(const std::string& text);

class CaseStore {
 public:
  explicit CaseStore(std::filesystem::path out_dir);
  const std::filesystem::path& casesDir() const { return cases_dir_; }
  std::filesystem::path caseDir(const std::string& id) const { return cases_dir_ / id; }

  // Deletes DIR/cases/.tmp (debris of killed runs). Call once, before any case starts.
  void removeDebris() const;
  // The finished result of a case (timing.reused = true), or nullopt.
  std::optional<CaseResult> finished(const Case& c) const;
  // Runs the case in a temporary folder and publishes it (see above). Never throws for a runner
  // failure; throws std::runtime_error when the output folder cannot be written.
  CaseResult execute(const Case& c, const CaseRunner& runner, int rank, int thread) const;

 private:
  std::filesystem::path cases_dir_;
};

// Test hook: FEEDERLAB_SWEEP_STOP_AFTER=k makes the process end abruptly (std::_Exit, as if
// killed; exit status kStopAfterExitCode) right after its k-th case is published, leaving the
// other cases it was running as debris. 0 or unset: never.
inline constexpr int kStopAfterExitCode = 86;
int stopAfterFromEnvironment();

}  // namespace feederlab::sweep
