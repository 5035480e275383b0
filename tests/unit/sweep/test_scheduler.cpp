// sweep: thread pool, atomic case folders, restart, failures and deterministic aggregation, with
// cheap injected runners (no study).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "feederlab/core/error.hpp"
#include "feederlab/sweep/aggregate.hpp"
#include "feederlab/sweep/scheduler.hpp"
#include "feederlab/sweep/sweep.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab::sweep;
using nlohmann::json;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A sweep of 2 feeders x 6 grid events x 2 variations = 24 cases in a scratch folder.
fs::path sweepFile(const std::string& name) {
  const fs::path dir = feederlab::test::scratchDir(name);
  for (const char* f : {"f1.dss", "f2.dss"}) std::ofstream(dir / f) << "clear\n";
  std::ofstream(dir / "s.json") << R"({"format": "feederlab-sweep/1", "name": "unit", "feeders": ["f1.dss", "f2.dss"],
    "events": [{"source_sag_grid": {"magnitude_pu": [0.3, 0.45, 0.6], "duration_cycles": [3, 9]}}],
    "variations": {"parameters": {"motor_d.v_stall": [0.5, 0.6]}}})";
  return dir / "s.json";
}

// Counts calls per case id (thread-safe) around the fake runner; fails the ids containing `fail`.
struct CountingRunner {
  std::mutex mutex;
  std::map<std::string, int> calls;
  std::string fail;
  // Cases of the fake runner take no time, so one worker could take them all before the others
  // start (seen under load): with `spread`, a case waits 20 ms while only one worker has run any.
  bool spread = false;
  std::set<std::thread::id> workers;
  CaseRunner runner() {
    return [this](const Case& c, const fs::path& dir) {
      std::size_t seen = 0;
      {
        std::lock_guard lock(mutex);
        ++calls[c.id];
        workers.insert(std::this_thread::get_id());
        seen = workers.size();
      }
      if (spread && seen < 2) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!fail.empty() && c.id.find(fail) != std::string::npos)
        throw feederlab::core::ModelError(c.id, "made to fail by the test");
      return fakeRunner()(c, dir);
    };
  }
  int total() {
    int n = 0;
    for (const auto& [k, v] : calls) n += v;
    return n;
  }
};

SweepSummary run(const fs::path& file, const fs::path& out, unsigned threads, CountingRunner& counter,
                 bool retry_failed = false) {
  SweepOptions o;
  o.sweep_file = file;
  o.out_dir = out;
  o.threads = threads;
  o.retry_failed = retry_failed;
  o.make_runner = [&counter](const SweepPlan&) { return counter.runner(); };
  return runSweep(o);
}

}  // namespace

TEST_CASE("1 and 4 threads run every case once and write the same sweep.json and sweep.csv") {
  const auto file = sweepFile("sweep-threads");
  const auto dir = file.parent_path();
  CountingRunner c1, c4;
  const auto s1 = run(file, dir / "out1", 1, c1);
  c4.spread = true;
  const auto s4 = run(file, dir / "out4", 4, c4);
  CHECK(s1.cases == 24);
  CHECK(s1.run == 24);
  CHECK(s4.run == 24);
  CHECK(s4.threads == 4);
  CHECK(c4.calls.size() == 24);
  CHECK(c4.total() == 24);  // no case taken twice
  const std::string j1 = read(dir / "out1/sweep.json");
  CHECK(j1.size() > 1000);
  CHECK(j1 == read(dir / "out4/sweep.json"));
  CHECK(read(dir / "out1/sweep.csv") == read(dir / "out4/sweep.csv"));
  // Every case folder is complete; no temporary folder is left.
  for (const auto& e : fs::directory_iterator(dir / "out4/cases")) {
    if (e.path().filename() == ".tmp") {
      CHECK(fs::is_empty(e.path()));
      continue;
    }
    CHECK(fs::exists(e.path() / "finished"));
    CHECK(fs::exists(e.path() / "case.json"));
    CHECK(fs::exists(e.path() / "report.html"));
  }
  // timings.json says which thread ran each case; with 4 threads more than one did.
  const json t = json::parse(read(dir / "out4/timings.json"));
  CHECK(t["cases_total"] == 24);
  CHECK(t["cases_run"] == 24);
  std::set<int> threads;
  for (const auto& c : t["cases"]) threads.insert(c["thread"].get<int>());
  CHECK(threads.size() > 1);
  CHECK(*threads.rbegin() < 4);
}

TEST_CASE("a rerun skips finished cases and reruns only deleted or unmarked ones") {
  const auto file = sweepFile("sweep-restart");
  const auto out = file.parent_path() / "out";
  CountingRunner first;
  run(file, out, 2, first);
  const std::string reference = read(out / "sweep.json");

  CountingRunner second;
  const auto s2 = run(file, out, 2, second);
  CHECK(second.total() == 0);
  CHECK(s2.reused == 24);
  CHECK(s2.run == 0);
  CHECK(read(out / "sweep.json") == reference);

  // A case folder without its marker (as if written by hand) and debris of a killed run.
  const auto plan = readSweepFile(file);
  fs::remove(out / "cases" / plan.cases[3].id / "finished");
  fs::remove_all(out / "cases" / plan.cases[7].id);
  fs::create_directories(out / "cases/.tmp/half-written.vm.1.0.0");
  CountingRunner third;
  const auto s3 = run(file, out, 2, third);
  CHECK(third.total() == 2);
  CHECK(third.calls.count(plan.cases[3].id) == 1);
  CHECK(third.calls.count(plan.cases[7].id) == 1);
  CHECK(s3.run == 2);
  CHECK(s3.reused == 22);
  CHECK_FALSE(fs::exists(out / "cases/.tmp/half-written.vm.1.0.0"));
  CHECK(read(out / "sweep.json") == reference);
  const json t = json::parse(read(out / "timings.json"));
  CHECK(t["cases_run"] == 2);
  CHECK(t["cases_reused"] == 22);
}

TEST_CASE("a failing case is recorded with its error while the others complete and --retry-failed reruns it") {
  const auto file = sweepFile("sweep-failure");
  const auto out = file.parent_path() / "out";
  CountingRunner failing;
  failing.fail = "f2__sag-0.45pu-9cyc__motor_d.v_stall-0.6";
  const auto s = run(file, out, 3, failing);
  CHECK(s.failed == 1);
  CHECK(s.run == 24);
  const json j = json::parse(read(out / "sweep.json"));
  CHECK(j["counts"]["failed"] == 1);
  CHECK(j["counts"]["ok"] == 23);
  int failed_seen = 0;
  for (const auto& c : j["cases"]) {
    if (c["status"] == "failed") {
      ++failed_seen;
      CHECK(c["id"] == failing.fail);
      CHECK(c["error_kind"] == "model");
      CHECK(c["error"].get<std::string>().find("made to fail by the test") != std::string::npos);
      CHECK(c["results"].is_null());
    } else {
      CHECK(c["results"]["reduced"]["head_v_nrmse"].is_number());
    }
  }
  CHECK(failed_seen == 1);
  CHECK(read(out / "sweep.html").find("made to fail by the test") != std::string::npos);

  CountingRunner plain;  // a rerun keeps the failure (it is deterministic) ...
  CHECK(run(file, out, 2, plain).failed == 1);
  CHECK(plain.total() == 0);
  CountingRunner retry;  // ... unless asked to retry: then only that case runs
  const auto s3 = run(file, out, 2, retry, true);
  CHECK(retry.total() == 1);
  CHECK(s3.failed == 0);
  CHECK(json::parse(read(out / "sweep.json"))["counts"]["failed"] == 0);
}

TEST_CASE("CaseStore publishes a case folder only when it is complete") {
  const auto file = sweepFile("sweep-store");
  const auto out = file.parent_path() / "out";
  const auto plan = readSweepFile(file);
  const CaseStore store(out);
  const Case& c = plan.cases[0];
  bool seen_final_during_run = true;
  fs::path work_dir;
  const CaseRunner runner = [&](const Case& k, const fs::path& dir) {
    work_dir = dir;
    seen_final_during_run = fs::exists(store.caseDir(k.id));
    return std::string(R"({"reduced": {"head_v_nrmse": 0.25}})");
  };
  CHECK_FALSE(store.finished(c).has_value());
  const auto r = store.execute(c, runner, 3, 1);
  CHECK_FALSE(seen_final_during_run);
  CHECK(work_dir.parent_path() == out / "cases/.tmp");
  CHECK_FALSE(fs::exists(work_dir));  // renamed
  CHECK(r.record.status == "ok");
  CHECK(r.timing.rank == 3);
  CHECK(r.timing.thread == 1);
  const auto again = store.finished(c);
  REQUIRE(again.has_value());
  CHECK(again->timing.reused);
  CHECK(again->timing.rank == 3);
  CHECK(again->record.results_json == r.record.results_json);
  CHECK(again->record.results_json == R"({"reduced":{"head_v_nrmse":0.25}})");
  // A runner returning something that is not a JSON object fails the case, not the sweep.
  const auto bad = store.execute(
      plan.cases[1], [](const Case&, const fs::path&) { return std::string("[1, 2]"); }, 0, 0);
  CHECK(bad.record.status == "failed");
  CHECK(bad.record.error_kind == "other");
}

TEST_CASE("results travel between ranks unchanged") {
  CaseResult r;
  r.record = {"id-1", "failed", "line 3: \"bad\"", "numerical", "null"};
  r.timing = {12.5, 7, 2, "node-17", false};
  const CaseResult back = decodeResult(encodeResult(r));
  CHECK(back.record.id == "id-1");
  CHECK(back.record.error == "line 3: \"bad\"");
  CHECK(back.record.error_kind == "numerical");
  CHECK(back.timing.runtime_s == 12.5);
  CHECK(back.timing.rank == 7);
  CHECK(back.timing.thread == 2);
  CHECK(back.timing.host == "node-17");
}

TEST_CASE("summary statistics of sweep.json: quantiles and undefined values and counts") {
  const auto file = sweepFile("sweep-stats");
  auto plan = readSweepFile(file);
  plan.cases.resize(5);
  std::vector<CaseResult> results;
  const double values[] = {0.4, 0.1, 0.3, 0.2};
  for (std::size_t i = 0; i < 5; ++i) {
    CaseResult r;
    r.record.id = plan.cases[i].id;
    r.record.status = "ok";
    r.record.results_json =
        i < 4 ? R"({"reduced_within_tolerance": true, "reduced": {"head_v_nrmse": )" + std::to_string(values[i]) + "}}"
              : R"({"reduced_within_tolerance": false, "reduced": {"head_v_nrmse": null}})";
    results.push_back(r);
  }
  const json j = json::parse(sweepJson(plan, results));
  const auto& s = j["summary"]["reduced"]["head_v_nrmse"];
  CHECK(s["n"] == 4);
  CHECK(s["undefined"] == 1);
  CHECK(s["min"].get<double>() == doctest::Approx(0.1));
  CHECK(s["max"].get<double>() == doctest::Approx(0.4));
  CHECK(s["p50"].get<double>() == doctest::Approx(0.25));
  CHECK(s["p90"].get<double>() == doctest::Approx(0.37));  // 0.3 + 0.7 (0.4 - 0.3)
  CHECK(s["mean"].get<double>() == doctest::Approx(0.25));
  CHECK(j["counts"]["reduced_within_tolerance"] == 4);
  CHECK(j["cases"].size() == 5);
  // CSV: header + 2 rows (reduced, baseline) per case; the null is an empty field.
  const std::string csv = sweepCsv(plan.cases, results);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 11);
  CHECK(csv.rfind("id,feeder,event,variation,status,model,head_v_nrmse,error\n", 0) == 0);
  CHECK(csv.find(plan.cases[4].id + ",f1,") != std::string::npos);
  // HTML: worst case first (the undefined one), then 0.4.
  const std::string html = sweepHtml(plan, results, RunInfo{1.0, 1, 1}, file.parent_path() / "nowhere");
  const auto worst = html.find("Worst cases");
  REQUIRE(worst != std::string::npos);
  CHECK(html.find(plan.cases[4].id, worst) < html.find(plan.cases[0].id, worst));
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // no external resources
}
