#include "sparse_lu.hpp"

#include <klu.h>

#include <string>

#include "feederlab/core/error.hpp"

namespace feederlab::powerflow::detail {

struct SparseLu::Impl {
  klu_common common{};
  klu_symbolic* symbolic = nullptr;
  klu_numeric* numeric = nullptr;
  int n = 0;
  std::vector<int> col_ptr, row_idx;
  ~Impl() {
    if (numeric) klu_z_free_numeric(&numeric, &common);
    if (symbolic) klu_free_symbolic(&symbolic, &common);
  }
};

SparseLu::SparseLu() : impl_(std::make_unique<Impl>()) {
  klu_defaults(&impl_->common);
}
SparseLu::~SparseLu() = default;

bool SparseLu::factored() const {
  return impl_->numeric != nullptr;
}

void SparseLu::factor(const SparseMatrix& m) {
  auto& d = *impl_;
  if (d.numeric) klu_z_free_numeric(&d.numeric, &d.common);
  if (d.symbolic) klu_free_symbolic(&d.symbolic, &d.common);
  d.n = m.n;
  d.col_ptr = m.col_ptr;
  d.row_idx = m.row_idx;
  d.symbolic = klu_analyze(d.n, d.col_ptr.data(), d.row_idx.data(), &d.common);
  if (!d.symbolic) throw core::NumericalError("KLU analysis of the admittance matrix failed");
  auto values = m.values;
  d.numeric =
      klu_z_factor(d.col_ptr.data(), d.row_idx.data(), reinterpret_cast<double*>(values.data()), d.symbolic, &d.common);
  if (!d.numeric || d.common.status != KLU_OK)
    throw core::NumericalError("the admittance matrix is singular (KLU status " + std::to_string(d.common.status) +
                               "): a floating node or island?");
}

void SparseLu::refactor(const std::vector<std::complex<double>>& values) {
  auto& d = *impl_;
  auto copy = values;
  if (!klu_z_refactor(d.col_ptr.data(), d.row_idx.data(), reinterpret_cast<double*>(copy.data()), d.symbolic, d.numeric,
                      &d.common))
    throw core::NumericalError("KLU refactorization of the admittance matrix failed");
}

void SparseLu::solve(std::vector<std::complex<double>>& b) const {
  auto& d = *impl_;
  if (!klu_z_solve(d.symbolic, d.numeric, d.n, 1, reinterpret_cast<double*>(b.data()), &d.common))
    throw core::NumericalError("KLU solve failed");
}

}  // namespace feederlab::powerflow::detail
