#include "feederlab/synth/random.hpp"

#include <algorithm>
#include <cmath>

namespace feederlab::synth {

double Rng::uniform() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

int Rng::integer(int lo, int hi) {
  const double span = static_cast<double>(hi) - static_cast<double>(lo) + 1.0;
  const int value = lo + static_cast<int>(std::floor(uniform() * span));
  return std::min(value, hi);
}

double Rng::normal(double mean, double sd) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
  const double u2 = uniform();
  return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double Rng::normalClipped(double mean, double sd, double lo, double hi) {
  return std::clamp(normal(mean, sd), lo, hi);
}

double Rng::logNormal(double median, double sigma, double lo, double hi) {
  return std::clamp(std::exp(normal(std::log(median), sigma)), lo, hi);
}

std::size_t Rng::pick(const std::vector<double>& weights) {
  double total = 0.0;
  for (double w : weights) total += w;
  double target = uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  return weights.empty() ? 0 : weights.size() - 1;
}

}  // namespace feederlab::synth
