// sweep: `feederlab sweep` on threads and under `mpirun -np 2`, killed midway and rerun.
// The scheduler cases use the hidden `--runner fake` (deterministic made-up results); the last
// ones run the real study on data/sweeps/quick.json (IEEE 13 from OpenDSS and CIM, 3 sags).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::test::cliExecutable;
using feederlab::test::runCommand;
using feederlab::test::scratchDir;
using feederlab::test::sourceDir;
using nlohmann::json;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

const char* kMpirun = "mpirun --allow-run-as-root --oversubscribe -np 2";

// feederlab sweep SWEEP -o OUT <args>, with environment assignments in front; returns the exit status.
int sweep(const fs::path& file, const fs::path& out, const std::string& args, const std::string& env = "",
          bool mpi = false, std::string* output = nullptr) {
  std::string cmd = env.empty() ? "" : "env " + env + " ";
  if (mpi) cmd += std::string(kMpirun) + " ";
  cmd += q(cliExecutable()) + " sweep " + q(file) + " -o " + q(out) + " " + args;
  std::string log;
  const int rc = runCommand(cmd, &log);
  if (output) *output = log;
  if (rc != 0) MESSAGE(cmd << "\n" << log);
  return rc;
}

// 2 feeders x 6 sags x 2 motor D stall voltages = 24 cases, in a scratch folder.
fs::path sweep24(const std::string& name) {
  const fs::path dir = scratchDir(name);
  for (const char* f : {"f1.dss", "f2.dss"}) std::ofstream(dir / f) << "clear\n";
  std::ofstream(dir / "s.json") << R"({"format": "feederlab-sweep/1", "feeders": ["f1.dss", "f2.dss"],
    "events": [{"source_sag_grid": {"magnitude_pu": [0.3, 0.45, 0.6], "duration_cycles": [3, 9]}}],
    "variations": {"parameters": {"motor_d.v_stall": [0.5, 0.6]}}})";
  return dir / "s.json";
}

std::set<std::string> finishedCases(const fs::path& out) {
  std::set<std::string> ids;
  if (!fs::exists(out / "cases")) return ids;
  for (const auto& e : fs::directory_iterator(out / "cases"))
    if (fs::exists(e.path() / "finished")) ids.insert(e.path().filename().string());
  return ids;
}

// The cases this run executed (not reused), from timings.json.
std::set<std::string> ranNow(const fs::path& out) {
  std::set<std::string> ids;
  const json timings = json::parse(read(out / "timings.json"));
  for (const auto& c : timings["cases"])
    if (!c["reused"].get<bool>()) ids.insert(c["id"].get<std::string>());
  return ids;
}

// After an interrupted run: the rerun executes exactly the cases that were not finished, and
// its sweep.json equals that of an uninterrupted run.
void checkCompletion(const fs::path& out, const std::set<std::string>& before, const std::string& reference) {
  const auto now = ranNow(out);
  const auto all = finishedCases(out);
  CHECK(all.size() == 24);
  CHECK(now.size() == 24 - before.size());
  for (const auto& id : before) CHECK(now.count(id) == 0);
  CHECK(read(out / "sweep.json") == reference);
  const json t = json::parse(read(out / "timings.json"));
  CHECK(t["cases_reused"].get<std::size_t>() == before.size());
}

}  // namespace

TEST_CASE("cli: 1 thread and 2 threads and mpirun -np 2 give the same sweep.json (fake runner)") {
  const fs::path example = sourceDir() / "data/sweeps/example.json";
  const fs::path dir = scratchDir("sweep-cli-same");
  REQUIRE(sweep(example, dir / "t1", "--runner fake --threads 1") == 0);
  REQUIRE(sweep(example, dir / "t2", "--runner fake --threads 2") == 0);
  REQUIRE(sweep(example, dir / "mpi", "--runner fake", "FEEDERLAB_SWEEP_FAKE_MS=150", true) == 0);
  const std::string reference = read(dir / "t1/sweep.json");
  const json j = json::parse(reference);
  CHECK(j["counts"]["cases"] == 6);
  CHECK(j["cases"][0]["id"] == "IEEE13Nodeckt__sag-0.30pu-9cyc__base");
  CHECK(read(dir / "t2/sweep.json") == reference);
  CHECK(read(dir / "mpi/sweep.json") == reference);
  CHECK(read(dir / "mpi/sweep.csv") == read(dir / "t1/sweep.csv"));
  // Under mpirun both ranks ran cases (150 ms each: rank 0's worker cannot take them all).
  const json t = json::parse(read(dir / "mpi/timings.json"));
  CHECK(t["ranks"] == 2);
  std::set<int> ranks;
  for (const auto& c : t["cases"]) ranks.insert(c["rank"].get<int>());
  CHECK(ranks == std::set<int>{0, 1});
  CHECK(fs::exists(dir / "mpi/sweep.html"));
}

TEST_CASE("cli: a sweep stopped after 3 cases completes only the missing ones when rerun") {
  const auto file = sweep24("sweep-cli-stop");
  const auto dir = file.parent_path();
  REQUIRE(sweep(file, dir / "reference", "--runner fake --threads 2") == 0);
  const std::string reference = read(dir / "reference/sweep.json");

  const fs::path out = dir / "out";
  CHECK(sweep(file, out, "--runner fake --threads 2", "FEEDERLAB_SWEEP_STOP_AFTER=3 FEEDERLAB_SWEEP_FAKE_MS=20") == 86);
  CHECK_FALSE(fs::exists(out / "sweep.json"));
  const auto before = finishedCases(out);
  CHECK(before.size() >= 3);  // the other thread may publish one more before the process ends
  CHECK(before.size() <= 4);
  REQUIRE(sweep(file, out, "--runner fake --threads 2") == 0);
  checkCompletion(out, before, reference);
}

TEST_CASE("cli: a sweep killed with SIGKILL midway completes only the missing cases when rerun") {
  const auto file = sweep24("sweep-cli-kill");
  const auto dir = file.parent_path();
  REQUIRE(sweep(file, dir / "reference", "--runner fake --threads 1") == 0);
  const std::string reference = read(dir / "reference/sweep.json");

  const fs::path out = dir / "out";
  // Start it in the background, wait until 4 cases are published, kill -9.
  const std::string script = "FEEDERLAB_SWEEP_FAKE_MS=200 " + q(cliExecutable()) + " sweep " + q(file) + " -o " +
                             q(out) +
                             " --runner fake --threads 2 >/dev/null 2>&1 & pid=$!; n=0; "
                             "while [ \"$(ls " +
                             q(out / "cases") +
                             " 2>/dev/null | wc -l)\" -lt 4 ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done; "
                             "kill -9 $pid; wait $pid; echo status=$?";
  std::ofstream(dir / "kill.sh") << script << "\n";
  std::string log;
  runCommand("sh " + q(dir / "kill.sh"), &log);
  CHECK(log.find("status=137") != std::string::npos);  // killed, not finished
  CHECK_FALSE(fs::exists(out / "sweep.json"));
  const auto before = finishedCases(out);
  CHECK(before.size() >= 4);
  CHECK(before.size() < 24);
  REQUIRE(sweep(file, out, "--runner fake --threads 2") == 0);
  checkCompletion(out, before, reference);
}

TEST_CASE("cli: a run under mpirun that dies midway is completed by a rerun under mpirun") {
  const auto file = sweep24("sweep-cli-mpi-stop");
  const auto dir = file.parent_path();
  REQUIRE(sweep(file, dir / "reference", "--runner fake --threads 2") == 0);
  const std::string reference = read(dir / "reference/sweep.json");
  const fs::path out = dir / "out";
  // Each rank stops after its 3rd case: mpirun then ends the job (non-zero).
  CHECK(sweep(file, out, "--runner fake", "FEEDERLAB_SWEEP_STOP_AFTER=3 FEEDERLAB_SWEEP_FAKE_MS=20", true) != 0);
  CHECK_FALSE(fs::exists(out / "sweep.json"));
  const auto before = finishedCases(out);
  CHECK(before.size() >= 3);
  CHECK(before.size() <= 6);
  REQUIRE(sweep(file, out, "--runner fake", "", true) == 0);
  checkCompletion(out, before, reference);
}

TEST_CASE("cli: failed cases give exit 1 and a bad sweep file gives exit 2 naming the key") {
  const auto file = sweep24("sweep-cli-fail");
  const auto dir = file.parent_path();
  std::string log;
  CHECK(sweep(file, dir / "out", "--runner fake --threads 2", "FEEDERLAB_SWEEP_FAKE_FAIL=f1__sag-0.30pu-3cyc", false,
              &log) == 1);
  CHECK(log.find("2 of 24 cases failed") != std::string::npos);
  const json j = json::parse(read(dir / "out/sweep.json"));
  CHECK(j["counts"]["failed"] == 2);
  CHECK(j["counts"]["ok"] == 22);

  std::ofstream(dir / "bad.json") << R"({"format": "feederlab-sweep/1", "feeders": ["f1.dss"],
    "events": [{"source_sag_grid": {"magnitude_pu": [0.5], "duration_cycle": [5]}}]})";
  CHECK(sweep(dir / "bad.json", dir / "bad", "--runner fake", "", false, &log) == 2);
  CHECK(log.find("bad.json") != std::string::npos);
  CHECK(log.find("events[0].source_sag_grid.duration_cycle: unknown key") != std::string::npos);
}

TEST_CASE("cli: the quick real sweep (IEEE 13 x 3 sags) is the same on 1 thread and 2 threads and 2 MPI ranks") {
  const fs::path quick = sourceDir() / "data/sweeps/quick.json";
  const fs::path dir = scratchDir("sweep-cli-real-quick");
  REQUIRE(sweep(quick, dir / "t1", "--threads 1") == 0);
  REQUIRE(sweep(quick, dir / "t2", "--threads 2 --no-reports") == 0);
  REQUIRE(sweep(quick, dir / "mpi", "", "", true) == 0);
  const std::string reference = read(dir / "t1/sweep.json");
  CHECK(read(dir / "t2/sweep.json") == reference);
  CHECK(read(dir / "mpi/sweep.json") == reference);
  const json j = json::parse(reference);
  CHECK(j["counts"]["ok"] == 6);
  // Simulations that stop early are recorded, not failures of the case (the sim module decides
  // which complete); at least some must complete with metrics for this test to mean anything.
  int with_metrics = 0;
  for (const auto& c : j["cases"]) {
    CAPTURE(c["id"].get<std::string>());
    const auto& r = c["results"];
    CHECK(r["sections"].get<int>() >= 1);
    CHECK(r["runs"]["full"]["states"].get<int>() > r["runs"]["baseline"]["states"].get<int>());
    CHECK(r["runs"]["full"]["completed"].is_boolean());
    // The reduced feeder follows the full one's head voltage closely (study tolerance 0.03).
    if (r["reduced"]["head_v_nrmse"].is_number()) {
      ++with_metrics;
      CHECK(r["reduced"]["head_v_nrmse"].get<double>() < 0.03);
    }
  }
  CHECK(with_metrics >= 2);
  // Per-case reports exist (with reports on) and sweep.html links them.
  const std::string html = read(dir / "t1/sweep.html");
  CHECK(html.find("href=\"cases/IEEE13") != std::string::npos);
  CHECK(fs::exists(dir / "t1/cases/IEEE13Nodeckt__sag-0.30pu-5cyc__base/report.html"));
}

TEST_CASE("cli: variations reach the study (sections and motor D stall voltage)") {
  const fs::path dir = scratchDir("sweep-cli-real-variations");
  std::ofstream(dir / "s.json")
      << R"({"format": "feederlab-sweep/1", "feeders": [")" +
             feederlab::test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss").string() +
             R"("], "events": [{"source_sag_grid": {"magnitude_pu": [0.5], "duration_cycles": [5],
    "t_end_s": 5}}], "variations": {"sections": [2], "parameters": {"motor_d.v_stall": [0.5, 0.6]}}})";
  REQUIRE(sweep(dir / "s.json", dir / "out", "--threads 2 --no-reports") == 0);
  const json j = json::parse(read(dir / "out/sweep.json"));
  REQUIRE(j["cases"].size() == 2);
  const auto& a = j["cases"][0];
  const auto& b = j["cases"][1];
  CHECK(a["id"] == "IEEE13Nodeckt__sag-0.50pu-5cyc__s2+motor_d.v_stall-0.5");
  CHECK(a["variation"]["parameters"]["motor_d.v_stall"] == 0.5);
  CHECK(a["results"]["sections"] == 2);
  CHECK(b["results"]["sections"] == 2);
  REQUIRE(a["results"]["runs"]["full"]["completed"] == true);
  REQUIRE(b["results"]["runs"]["full"]["completed"] == true);
  // A different stall voltage gives a different full-feeder response.
  CHECK(a["results"]["reduced"]["recovery_time_full_s"] != b["results"]["reduced"]["recovery_time_full_s"]);
}
