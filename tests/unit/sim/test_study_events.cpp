// Robustness of the dynamic engine over the ten default study events (events::defaultStudyEvents:
// EMF sags 0.3/0.45/0.6 pu x 3/5/9 cycles and a 5-cycle SLG at @head, at t = 1 s) on IEEE 13 and
// IEEE 123 with the residential composite. Regressions: re-initializations after mode changes
// failed in IDACalcIC when a motor D sat on its Vstallbrk branch point (discontinuous Q in the
// residual) and after the electronic loads' memory clamp (state reset). The runs stop at 3 s:
// every re-initialization of the event (onset, clearing, stalls, trips) happens before 1.5 s.
#include <doctest/doctest.h>

#include <string>

#include "feederlab/events/study_events.hpp"
#include "sim_test_support.hpp"

using namespace feederlab;
namespace col = sim::column;

namespace {

void runAll(const model::Feeder& feeder, const char* label) {
  const auto opts = test::optionsWith(test::residentialSpec());
  int completed = 0;
  long fallbacks = 0;
  for (auto sc : events::defaultStudyEvents()) {
    sc.t_end_s = 3.0;
    const auto r = sim::simulate(feeder, sc, opts);
    CHECK_MESSAGE(r.completed, std::string(label) << " " << sc.name << ": " << r.failure);
    if (!r.completed) continue;
    ++completed;
    fallbacks += r.stats.ic_fallbacks;
    CHECK(r.t_end == doctest::Approx(3.0));
    // The sag or fault is visible at @head and the voltage is back above 0.9 pu of its
    // pre-event value 1.5 s after it cleared.
    CHECK(test::minOver(r.series, col::kHeadV, 1.0, 1.2) < 0.95 * r.pre_event.v_pu);
    CHECK(test::at(r.series, col::kHeadV, 2.9) > 0.9 * r.pre_event.v_pu);
    MESSAGE(std::string(label) << " " << sc.name << ": " << r.stats.steps << " steps, " << r.stats.reinits << " reinits, "
                  << r.stats.ic_fallbacks << " implicit-Euler restarts, peak stall share "
                  << test::maxOver(r.series, col::kStallShare) << ", " << r.runtime_s << " s");
  }
  CHECK(completed == 10);
  MESSAGE(std::string(label) << ": " << completed << "/10 completed, " << fallbacks << " implicit-Euler restarts");
}

}  // namespace

TEST_CASE("simulate: IEEE 13 with composites completes every default study event") { runAll(test::ieee13(), "ieee13"); }

TEST_CASE("simulate: IEEE 123 with composites completes every default study event") {
  runAll(test::ieee123(), "ieee123");
}
