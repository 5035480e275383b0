// The playback CSV (docs/events.md): a header row naming the columns
//   t,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg,angle_c_deg
// in any order (other columns are ignored), then one row per sample: t in simulation seconds,
// strictly increasing; magnitudes in pu of nominal line-to-neutral, in [0, 2]; angles in degrees.
// Blank lines and lines starting with '#' are skipped. At least two samples.
// Errors are core::InputError with the file and row (1-based line), the column number and name in
// the message and the offending cell as the offending text.
#pragma once

#include <filesystem>
#include <string>

#include "feederlab/events/scenario.hpp"

namespace feederlab::events {

PlaybackSeries readPlaybackCsv(const std::filesystem::path& path);
std::string writePlaybackCsv(const PlaybackSeries& series);  // header + rows, exact round trip

}  // namespace feederlab::events
