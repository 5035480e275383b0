// Result assembly: voltages, element flows, losses, head and source power (internal).
#pragma once

#include <complex>
#include <vector>

#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::powerflow::detail {

// Where head power is measured: the branch terminals into the feeder at @head and the source-side
// loads beyond @head whose power is taken out again (computed once per network).
struct HeadInfo {
  model::BusId bus = model::kNoBus;
  std::vector<int> branches;        // indices into Network::branches() leaving @head downstream
  std::vector<int> excluded_loads;  // indices into Network::loads()
};
HeadInfo headInfo(const Network& network);

Result buildResult(const Network& network, const std::vector<std::complex<double>>& v,
                   const std::vector<double>& inverse_base, const HeadInfo& head);

}  // namespace feederlab::powerflow::detail
