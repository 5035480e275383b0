// The synthetic feeders that ship in feeders/ and the command that regenerates each.
#pragma once

#include <cstdint>

namespace feederlab::test {

struct ShippedSynth {
  const char* folder;
  int customers;
  std::uint64_t seed;
};

inline constexpr ShippedSynth kShippedSynth[] = {
    {"synth-small", 300, 1},
    {"synth-medium", 2000, 2},
    {"synth-large", 10000, 3},
};

}  // namespace feederlab::test
