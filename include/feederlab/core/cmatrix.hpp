// A small dense complex matrix for phase-frame impedances (n <= a few dozen).
// Kept dependency-free so the model headers stay light; heavy algebra lives in powerflow/.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace feederlab::core {

using Complex = std::complex<double>;

struct CMatrix {
  std::size_t n = 0;             // square n x n
  std::vector<Complex> values;   // row-major

  CMatrix() = default;
  explicit CMatrix(std::size_t size) : n(size), values(size * size) {}
  Complex& operator()(std::size_t r, std::size_t c) { return values[r * n + c]; }
  const Complex& operator()(std::size_t r, std::size_t c) const { return values[r * n + c]; }
  bool empty() const { return n == 0; }
  CMatrix scaled(double factor) const {
    CMatrix out = *this;
    for (auto& v : out.values) v *= factor;
    return out;
  }
};

}  // namespace feederlab::core
