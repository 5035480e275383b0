// The default events of `feederlab study` (cli.md): nine source EMF sags, every combination of
// 0.3, 0.45, 0.6 pu with 3, 5, 9 cycles at 60 Hz, at t = 1 s ("sag-0.30pu-3cyc", ...), and a bolted
// phase-a SLG fault at @head for 5 cycles at t = 1 s ("slg-head-5cyc"); 30 s each, in that order
// (sags by magnitude, then by cycles).
#pragma once

#include <vector>

#include "feederlab/events/scenario.hpp"

namespace feederlab::events {

inline constexpr double kStudyFrequencyHz = 60.0;
inline constexpr double kStudyEventStartS = 1.0;
inline constexpr double kStudyEndS = 30.0;

std::vector<Scenario> defaultStudyEvents();

}  // namespace feederlab::events
