// Result assembly: voltages, element flows, losses, head and source power (internal).
#pragma once

#include <complex>
#include <vector>

#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::powerflow::detail {

Result buildResult(const Network& network, const std::vector<std::complex<double>>& v,
                   const std::vector<double>& inverse_base);

}  // namespace feederlab::powerflow::detail
