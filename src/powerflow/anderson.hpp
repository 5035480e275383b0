// Anderson acceleration of a complex fixed-point iteration x = G(x) (internal).
#pragma once

#include <complex>
#include <vector>

namespace feederlab::powerflow::detail {

class Anderson {
 public:
  void reset(std::size_t n, std::size_t depth);
  void restart();
  // Given the iterate x and g = G(x), overwrites x with the next iterate. `weight` scales each
  // component of the residual (1 / base volts). Depth 0 gives the plain step x <- g.
  void step(std::vector<std::complex<double>>& x, const std::vector<std::complex<double>>& g,
            const std::vector<double>& weight);

 private:
  std::size_t n_ = 0, depth_ = 0, count_ = 0, head_ = 0;
  bool have_prev_ = false;
  std::vector<std::complex<double>> f_prev_, g_prev_, f_;
  std::vector<std::vector<std::complex<double>>> df_, dg_;  // ring buffers (df weighted)
  std::vector<double> gram_;                                // depth x depth, Re<df_i, df_j>
};

}  // namespace feederlab::powerflow::detail
