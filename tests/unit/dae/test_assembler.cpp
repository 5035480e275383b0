// dae::Assembler: initialization from the power flow and the analytic Jacobian.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dae_fixtures.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "paths.hpp"
#include "tiny_feeders.hpp"

using namespace feederlab;

namespace {

double maxAbs(const std::vector<double>& v) {
  double m = 0.0;
  for (double d : v) m = std::max(m, std::abs(d));
  return m;
}

}  // namespace

TEST_CASE("assembler: tiny feeder with constant-impedance loads starts at the power-flow point") {
  auto c = test::makeCase(test::tinyRadialFeeder(), test::constantImpedanceBuilder());
  c.assembler->finalize();
  const auto rep = c.assembler->initialize(1e-8);
  MESSAGE("tiny feeder: |F(y0)| = " << rep.max_residual << " at " << rep.worst << ", " << c.assembler->size()
                                    << " unknowns, nnz " << c.assembler->jacobianPattern().row_idx.size());
  CHECK(rep.max_residual < 1e-9);
  CHECK(c.assembler->deviceCount() == 2);
  // The head quantities reproduce the power flow.
  const auto s = c.assembler->headPowerVa(c.assembler->y0());
  for (int ph = 0; ph < 3; ++ph) CHECK(std::abs(s[static_cast<std::size_t>(ph)] - c.pf.head_power[static_cast<std::size_t>(ph)]) < 1e-3);
}

TEST_CASE("assembler: IEEE 13 with constant-impedance loads starts at the power-flow point") {
  auto c = test::makeCase(io::importDss(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss")),
                          test::constantImpedanceBuilder());
  c.assembler->finalize();
  const auto rep = c.assembler->initialize(1e-8);
  MESSAGE("ieee13: |F(y0)| = " << rep.max_residual << ", scaled " << rep.max_scaled_residual << " at " << rep.worst << ", " << c.assembler->size()
                               << " unknowns");
  CHECK(rep.max_scaled_residual < 1e-12);
  CHECK(rep.max_residual < 1e-7);  // absolute: rounding through ~1e6 pu switch admittances
  const auto s = c.assembler->headPowerVa(c.assembler->y0());
  for (int ph = 0; ph < 3; ++ph)
    CHECK(std::abs(s[static_cast<std::size_t>(ph)] - c.pf.head_power[static_cast<std::size_t>(ph)]) <
          1e-6 * std::abs(c.pf.head_power[static_cast<std::size_t>(ph)]) + 1e-3);
}

TEST_CASE("assembler: analytic Jacobian matches central differences (tiny feeder, with a fault shunt)") {
  auto c = test::makeCase(test::tinyRadialFeeder(), test::constantImpedanceBuilder());
  events::Fault fault;
  fault.bus = "b";
  auto fs = test::addFault(*c.assembler, c.network(), fault);
  c.assembler->finalize();
  c.assembler->initialize();
  auto& a = *c.assembler;
  fs.apply(a, 0.0);  // inactive
  a.setShunt(fs.shunts[0], {2.0, -1.0});  // a value, so its stamp is checked too
  const std::size_t n = a.size();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> d(-0.01, 0.01);
  std::vector<double> y(a.y0().begin(), a.y0().end()), yp(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) y[j] += d(rng), yp[j] = d(rng);
  const double cj = 37.0, t = 0.1;

  const auto& pat = a.jacobianPattern();
  std::vector<double> vals(pat.row_idx.size());
  a.jacobian(t, y, yp, cj, vals);
  std::vector<double> dense(n * n, 0.0);
  std::vector<char> in_pattern(n * n, 0);
  for (std::size_t col = 0; col < n; ++col)
    for (int k = pat.col_ptr[col]; k < pat.col_ptr[col + 1]; ++k) {
      const auto row = static_cast<std::size_t>(pat.row_idx[static_cast<std::size_t>(k)]);
      dense[row * n + col] = vals[static_cast<std::size_t>(k)];
      in_pattern[row * n + col] = 1;
    }
  std::vector<double> fp(n), fm(n), gp(n), gm(n);
  double worst = 0.0;
  std::string where;
  for (std::size_t col = 0; col < n; ++col) {
    const double h = 1e-6 * std::max(1.0, std::abs(y[col]));
    auto yy = y;
    yy[col] += h, a.residual(t, yy, yp, fp);
    yy[col] -= 2 * h, a.residual(t, yy, yp, fm);
    auto pp = yp;
    pp[col] += h, a.residual(t, y, pp, gp);
    pp[col] -= 2 * h, a.residual(t, y, pp, gm);
    for (std::size_t row = 0; row < n; ++row) {
      const double fd = (fp[row] - fm[row]) / (2 * h) + cj * (gp[row] - gm[row]) / (2 * h);
      const double an = dense[row * n + col];
      const double err = std::abs(an - fd) / std::max({1.0, std::abs(an), std::abs(fd)});
      if (!in_pattern[row * n + col] && std::abs(fd) > 1e-6) {
        FAIL_CHECK("entry outside the pattern: " << a.variableName(row) << " / " << a.variableName(col) << " = " << fd);
      }
      if (err > worst) worst = err, where = a.variableName(row) + " / " + a.variableName(col);
    }
  }
  MESSAGE("jacobian check: worst relative error " << worst << " at " << where);
  CHECK(worst < 1e-6);
}
