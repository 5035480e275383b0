// Load current as a function of the voltage across one phase element (OpenDSS Load.pas models).
#pragma once

#include <complex>

#include "feederlab/model/feeder.hpp"
#include "feederlab/powerflow/network.hpp"

namespace feederlab::powerflow::detail {

// Current (A) drawn by one phase element of `load` from its `from` conductor to its `to` conductor.
std::complex<double> loadCurrent(const model::Load& load, const CompiledLoad& compiled, std::complex<double> v);

}  // namespace feederlab::powerflow::detail
