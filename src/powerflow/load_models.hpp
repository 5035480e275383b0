// Load current as a function of the voltage across one phase element (OpenDSS Load.pas models).
#pragma once

#include <array>
#include <complex>

#include "feederlab/model/feeder.hpp"
#include "feederlab/powerflow/network.hpp"

namespace feederlab::powerflow::detail {

// Everything the load law needs, precomputed once per load (it runs per load per iteration).
struct LoadLaw {
  model::LoadModel model = model::LoadModel::ConstPQ;
  double v_base = 0, v_low = 0, v_min = 0, v_max = 0;  // volts across one phase element
  std::complex<double> s_nominal, y_eq, y_min, y_max, y_max_i, i_low, m95, m95i;
  double cvr_watts = 1, cvr_vars = 2;
  std::array<double, 7> zipv{};
};

LoadLaw loadLaw(const model::Load& load, const CompiledLoad& compiled);

// Current (A) drawn by one phase element from its `from` conductor to its `to` conductor.
std::complex<double> loadCurrent(const LoadLaw& law, std::complex<double> v);

}  // namespace feederlab::powerflow::detail
