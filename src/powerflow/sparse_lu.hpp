// Complex sparse LU with SuiteSparse KLU: analyze once, factor, refactor with the same pattern.
#pragma once

#include <complex>
#include <memory>
#include <vector>

#include "feederlab/powerflow/network.hpp"

namespace feederlab::powerflow::detail {

class SparseLu {
 public:
  SparseLu();
  ~SparseLu();
  SparseLu(const SparseLu&) = delete;
  SparseLu& operator=(const SparseLu&) = delete;

  // Symbolic analysis and numeric factorization; throws core::NumericalError if singular.
  void factor(const SparseMatrix& matrix);
  // Numeric refactorization with new values in the same pattern.
  void refactor(const std::vector<std::complex<double>>& values);
  // Solves A x = b in place.
  void solve(std::vector<std::complex<double>>& b) const;
  bool factored() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace feederlab::powerflow::detail
