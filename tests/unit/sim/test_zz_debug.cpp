#include <doctest/doctest.h>
#include <cstdio>
#include "sim_test_support.hpp"
using namespace feederlab;
TEST_CASE("zz debug" * doctest::skip()) {
  const char* ev = std::getenv("DBG_EVENT");
  const char* fd = std::getenv("DBG_FEEDER");
  auto sc = ev && ev[0] == '/' ? events::readScenario(ev) : test::eventFile(ev ? ev : "sag-0.5pu-5cyc.json");
  if (const char* te = std::getenv("DBG_TEND")) sc.t_end_s = std::atof(te);
  auto f = fd ? io::importDss(fd) : test::ieee13();
  auto o = test::optionsWith(test::residentialSpec());
  if (std::getenv("DBG_EXACT")) o.ida.root_location = solver::RootLocation::Exact;
  if (std::getenv("DBG_RESTART")) o.ida.restart_on_mode_change = true;
  if (const char* ms = std::getenv("DBG_MAXSTEP")) o.ida.max_step_s = std::atof(ms);
  if (const char* rt = std::getenv("DBG_RTOL")) o.ida.rtol = std::atof(rt);
  const auto r = sim::simulate(f, sc, o);
  std::printf("completed %d %s steps %ld res %ld jac %ld roots %ld reinit %ld modes %ld runtime %g states %zu\n", r.completed, r.failure.c_str(), r.stats.steps, r.stats.residual_evals, r.stats.jacobian_evals, r.stats.root_returns, r.stats.reinits, r.stats.mode_changes, r.runtime_s, r.states);
  sim::writeOutputs("/tmp/h1/dbg", r);
}
