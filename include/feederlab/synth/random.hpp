// Portable random numbers for `feederlab synth`: std::mt19937_64 (its output sequence is fixed by
// the C++ standard) with our own transforms, because the std distributions differ between
// library implementations and would break byte-for-byte regeneration of a seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace feederlab::synth {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform on [0, 1): the top 53 bits of one 64-bit draw, times 2^-53.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi] (inclusive), by scaling uniform() (bias < 2^-40 for our ranges).
  int integer(int lo, int hi);
  bool chance(double p) { return uniform() < p; }
  // Normal by the Box-Muller transform (two uniform draws per call; no cached second value).
  double normal(double mean, double sd);
  double normalClipped(double mean, double sd, double lo, double hi);
  // exp(normal(log(median), sigma)), clipped to [lo, hi].
  double logNormal(double median, double sigma, double lo, double hi);
  // Index drawn with probability proportional to `weights`.
  std::size_t pick(const std::vector<double>& weights);
  // Fisher-Yates shuffle with integer().
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(integer(0, static_cast<int>(i) - 1));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace feederlab::synth
