// Primitive admittance matrices of single elements (internal to the powerflow module).
#pragma once

#include <complex>
#include <vector>

#include "feederlab/model/feeder.hpp"

namespace feederlab::powerflow::detail {

using Complex = std::complex<double>;
using Dense = std::vector<Complex>;  // row-major square

// Inverse of a small dense complex matrix; throws core::ModelError naming `element` if singular.
Dense invert(const Dense& a, std::size_t n, const std::string& element);

// Line: order 2*phases (terminal 1 conductors, then terminal 2).
Dense lineY(const model::Line& line);
// Transformer: order windings*(phases+1); `taps` per winding.
Dense transformerY(const model::Transformer& xf, const std::vector<double>& taps);
// Source Thevenin admittance, order phases (bus side only; the other side is ground).
Dense sourceY(const model::Source& source);
std::vector<Complex> sourceEmf(const model::Source& source);
// Capacitor with `steps` in service; order conductors*terminals (see capacitorConductors).
Dense capacitorY(const model::Capacitor& cap, const std::vector<int>& steps, double frequency_hz);
int capacitorConductors(const model::Capacitor& cap);
Dense reactorY(const model::Reactor& reactor);
int reactorConductors(const model::Reactor& reactor);

}  // namespace feederlab::powerflow::detail
