// Atomic per-case folders, finished markers and case records (case_store.hpp).
#include "feederlab/sweep/case_store.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"

namespace feederlab::sweep {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr const char* kTmpFolder = ".tmp";
constexpr const char* kFinishedMarker = "finished";

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

ojson variationJson(const Variation& v) {
  ojson params = ojson::object();
  for (const auto& [k, x] : v.parameters) params[k] = x;
  return ojson{{"id", v.id},
               {"composition", v.composition ? ojson(v.composition_as_written) : ojson(nullptr)},
               {"sections", v.sections ? ojson(*v.sections) : ojson("auto")},
               {"parameters", params}};
}

std::atomic<int> g_published{0};

}  // namespace

std::string caseJson(const Case& c, const CaseRecord& r) {
  ojson j;
  j["id"] = r.id;
  j["feeder"] = c.feeder.name;
  j["feeder_path"] = c.feeder.as_written;
  j["event"] = c.event.name;
  j["variation"] = variationJson(c.variation);
  j["status"] = r.status;
  j["error"] = r.error.empty() ? ojson(nullptr) : ojson(r.error);
  j["error_kind"] = r.error_kind.empty() ? ojson(nullptr) : ojson(r.error_kind);
  j["results"] = ojson::parse(r.results_json.empty() ? "null" : r.results_json);
  return j.dump(2) + "\n";
}

CaseRecord parseCaseJson(const std::string& text) {
  const ojson j = ojson::parse(text);
  if (!j.is_object() || !j.contains("id") || !j.contains("status") || !j.contains("results"))
    throw std::runtime_error("not a sweep case record");
  CaseRecord r;
  r.id = j["id"].get<std::string>();
  r.status = j["status"].get<std::string>();
  if (j.contains("error") && j["error"].is_string()) r.error = j["error"].get<std::string>();
  if (j.contains("error_kind") && j["error_kind"].is_string()) r.error_kind = j["error_kind"].get<std::string>();
  r.results_json = j["results"].dump();
  return r;
}

std::string timingJson(const CaseTiming& t) {
  ojson j{{"runtime_s", t.runtime_s}, {"host", t.host}, {"rank", t.rank}, {"thread", t.thread}};
  return j.dump(2) + "\n";
}

CaseTiming parseTimingJson(const std::string& text) {
  const ojson j = ojson::parse(text);
  CaseTiming t;
  t.runtime_s = j.value("runtime_s", 0.0);
  t.host = j.value("host", std::string());
  t.rank = j.value("rank", 0);
  t.thread = j.value("thread", 0);
  return t;
}

std::string encodeResult(const CaseResult& r) {
  ojson j{{"id", r.record.id},
          {"status", r.record.status},
          {"error", r.record.error},
          {"error_kind", r.record.error_kind},
          {"results", r.record.results_json},
          {"runtime_s", r.timing.runtime_s},
          {"rank", r.timing.rank},
          {"thread", r.timing.thread},
          {"host", r.timing.host}};
  return j.dump();
}

CaseResult decodeResult(const std::string& text) {
  const ojson j = ojson::parse(text);
  CaseResult r;
  r.record.id = j.at("id").get<std::string>();
  r.record.status = j.at("status").get<std::string>();
  r.record.error = j.at("error").get<std::string>();
  r.record.error_kind = j.at("error_kind").get<std::string>();
  r.record.results_json = j.at("results").get<std::string>();
  r.timing.runtime_s = j.at("runtime_s").get<double>();
  r.timing.rank = j.at("rank").get<int>();
  r.timing.thread = j.at("thread").get<int>();
  r.timing.host = j.at("host").get<std::string>();
  return r;
}

CaseStore::CaseStore(fs::path out_dir) : cases_dir_(std::move(out_dir) / "cases") {}

void CaseStore::removeDebris() const {
  std::error_code ec;
  fs::remove_all(cases_dir_ / kTmpFolder, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot remove {}: {}", (cases_dir_ / kTmpFolder).string(), ec.message()));
}

std::optional<CaseResult> CaseStore::finished(const Case& c) const {
  const fs::path dir = caseDir(c.id);
  std::error_code ec;
  if (!fs::exists(dir / kFinishedMarker, ec)) return std::nullopt;
  try {
    CaseResult r;
    r.record = parseCaseJson(readText(dir / "case.json"));
    if (r.record.id != c.id) return std::nullopt;
    if (fs::exists(dir / "timing.json")) r.timing = parseTimingJson(readText(dir / "timing.json"));
    r.timing.reused = true;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // damaged by hand: run it again
  }
}

CaseResult CaseStore::execute(const Case& c, const CaseRunner& runner, int rank, int thread) const {
  const auto t0 = std::chrono::steady_clock::now();
  CaseResult result;
  result.timing.rank = rank;
  result.timing.thread = thread;
  result.timing.host = hostName();
  const fs::path tmp =
      cases_dir_ / kTmpFolder / fmt::format("{}.{}.{}.{}.{}", c.id, result.timing.host, ::getpid(), rank, thread);
  fs::remove_all(tmp);
  fs::create_directories(tmp);

  CaseRecord& r = result.record;
  r.id = c.id;
  auto fail = [&](const char* kind, const std::string& message) {
    r.status = "failed";
    r.error_kind = kind;
    r.error = message.empty() ? "unknown failure" : message;
    r.results_json = "null";
  };
  try {
    const ojson results = ojson::parse(runner(c, tmp));
    if (!results.is_object()) throw std::runtime_error("the case runner returned no JSON object");
    r.status = "ok";
    r.results_json = results.dump();  // normalised: the same text as parseCaseJson gives back
  } catch (const core::InputError& e) {
    fail("input", e.what());
  } catch (const core::ModelError& e) {
    fail("model", e.what());
  } catch (const core::NumericalError& e) {
    fail("numerical", e.what());
  } catch (const std::exception& e) {
    fail("other", e.what());
  } catch (...) {
    fail("other", "");
  }
  result.timing.runtime_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  core::writeFileAtomic(tmp / "case.json", caseJson(c, r));
  core::writeFileAtomic(tmp / "timing.json", timingJson(result.timing));
  core::writeFileAtomic(tmp / kFinishedMarker, c.id + "\n");
  const fs::path final_dir = caseDir(c.id);
  fs::remove_all(final_dir);  // an earlier failed run of this case (--retry-failed)
  fs::rename(tmp, final_dir);

  static const int stop_after = stopAfterFromEnvironment();
  if (stop_after > 0 && ++g_published >= stop_after) std::_Exit(kStopAfterExitCode);
  return result;
}

int stopAfterFromEnvironment() {
  const char* v = std::getenv("FEEDERLAB_SWEEP_STOP_AFTER");
  if (!v || !*v) return 0;
  try {
    return std::max(0, std::stoi(v));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace feederlab::sweep
