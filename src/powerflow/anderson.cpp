#include "anderson.hpp"

#include <cmath>

namespace feederlab::powerflow::detail {

using Complex = std::complex<double>;
using std::size_t;

void Anderson::reset(size_t n, size_t depth) {
  n_ = n;
  depth_ = depth;
  f_prev_.assign(n, Complex{});
  g_prev_.assign(n, Complex{});
  f_.assign(n, Complex{});
  df_.assign(depth, std::vector<Complex>(n));
  dg_.assign(depth, std::vector<Complex>(n));
  gram_.assign(depth * depth, 0.0);
  restart();
}

void Anderson::restart() {
  count_ = 0;
  head_ = 0;
  have_prev_ = false;
}

namespace {

// Solves the small Hermitian system A y = b by Gaussian elimination with partial pivoting;
// returns false if it is (numerically) singular.
bool solveSmall(std::vector<Complex> a, std::vector<Complex>& b, size_t m) {
  for (size_t c = 0; c < m; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < m; ++r)
      if (std::abs(a[r * m + c]) > std::abs(a[p * m + c])) p = r;
    if (std::abs(a[p * m + c]) < 1e-300) return false;
    if (p != c) {
      for (size_t k = 0; k < m; ++k) std::swap(a[c * m + k], a[p * m + k]);
      std::swap(b[c], b[p]);
    }
    for (size_t r = c + 1; r < m; ++r) {
      const Complex f = a[r * m + c] / a[c * m + c];
      for (size_t k = c; k < m; ++k) a[r * m + k] -= f * a[c * m + k];
      b[r] -= f * b[c];
    }
  }
  for (size_t c = m; c-- > 0;) {
    for (size_t k = c + 1; k < m; ++k) b[c] -= a[c * m + k] * b[k];
    b[c] /= a[c * m + c];
  }
  return true;
}

}  // namespace

namespace {

// Re<a, b> over the real 2n-vector space.
double dotRe(const std::vector<Complex>& a, const std::vector<Complex>& b) {
  const double* pa = reinterpret_cast<const double*>(a.data());
  const double* pb = reinterpret_cast<const double*>(b.data());
  double s = 0.0;
  const size_t m = 2 * a.size();
  for (size_t i = 0; i < m; ++i) s += pa[i] * pb[i];
  return s;
}

}  // namespace

void Anderson::step(std::vector<Complex>& x, const std::vector<Complex>& g, const std::vector<double>& w) {
  if (depth_ == 0) {
    x = g;
    return;
  }
  // Weighted residual f = W (g - x); the least-squares problem is solved in that metric.
  for (size_t i = 0; i < n_; ++i) f_[i] = (g[i] - x[i]) * w[i];
  if (have_prev_) {
    const size_t slot = head_;
    auto& df = df_[slot];
    auto& dg = dg_[slot];
    for (size_t i = 0; i < n_; ++i) {
      df[i] = f_[i] - f_prev_[i];
      dg[i] = g[i] - g_prev_[i];
    }
    head_ = (head_ + 1) % depth_;
    if (count_ < depth_) ++count_;
    // Only the new column of the Gram matrix changes (slots hold columns in ring order).
    for (size_t j = 0; j < count_; ++j) {
      const double d = dotRe(df_[slot], df_[j]);
      gram_[slot * depth_ + j] = gram_[j * depth_ + slot] = d;
    }
  }
  f_prev_.swap(f_);
  g_prev_ = g;
  have_prev_ = true;
  const auto& f = f_prev_;
  if (count_ == 0) {
    x = g;
    return;
  }
  // Real coefficients: the load map is not complex-analytic (conj(S/V)), so the mixing is done
  // over the real 2n-vector space. Normal equations of min || f - dF gamma || (m <= depth, tiny).
  const size_t m = count_;
  std::vector<Complex> a(m * m), b(m);
  double trace = 0;
  for (size_t r = 0; r < m; ++r) {
    for (size_t c = 0; c < m; ++c) a[r * m + c] = gram_[r * depth_ + c];
    b[r] = dotRe(df_[r], f);
    trace += gram_[r * depth_ + r];
  }
  for (size_t r = 0; r < m; ++r) a[r * m + r] += 1e-12 * trace;  // Tikhonov guard
  if (!solveSmall(a, b, m)) {
    restart();
    x = g;
    return;
  }
  x = g;
  for (size_t j = 0; j < m; ++j) {
    const double gamma = b[j].real();
    const auto& dg = dg_[j];
    for (size_t i = 0; i < n_; ++i) x[i] -= gamma * dg[i];
  }
}

}  // namespace feederlab::powerflow::detail
