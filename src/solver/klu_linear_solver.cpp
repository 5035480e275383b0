// KLU linear solver that keeps its symbolic analysis (see klu_linear_solver.hpp).
#include "klu_linear_solver.hpp"

#include <klu.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <nvector/nvector_serial.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace feederlab::solver {

namespace {

struct Content {
  klu_l_symbolic* symbolic = nullptr;
  klu_l_numeric* numeric = nullptr;
  klu_l_common common{};
  int last_flag = 0;
  KluCounters counters;
  std::vector<SuiteSparse_long> col_ptr, row_idx;  // pattern the symbolic was built for
};

Content* content(SUNLinearSolver s) { return static_cast<Content*>(s->content); }

SUNLinearSolver_Type getType(SUNLinearSolver) { return SUNLINEARSOLVER_DIRECT; }
SUNLinearSolver_ID getId(SUNLinearSolver) { return SUNLINEARSOLVER_CUSTOM; }
int initialize(SUNLinearSolver s) {  // keep symbolic and numeric: the pattern never changes
  content(s)->last_flag = 0;
  return SUNLS_SUCCESS;
}

bool samePattern(const Content& c, const sunindextype* cp, const sunindextype* ri, sunindextype n) {
  if (c.col_ptr.size() != static_cast<std::size_t>(n) + 1) return false;
  for (sunindextype k = 0; k <= n; ++k)
    if (c.col_ptr[static_cast<std::size_t>(k)] != cp[k]) return false;
  for (sunindextype k = 0; k < cp[n]; ++k)
    if (c.row_idx[static_cast<std::size_t>(k)] != ri[k]) return false;
  return true;
}

int setup(SUNLinearSolver s, SUNMatrix a) {
  auto& c = *content(s);
  const sunindextype n = SUNSparseMatrix_Columns(a);
  auto* cp = reinterpret_cast<SuiteSparse_long*>(SUNSparseMatrix_IndexPointers(a));
  auto* ri = reinterpret_cast<SuiteSparse_long*>(SUNSparseMatrix_IndexValues(a));
  double* x = SUNSparseMatrix_Data(a);
  static_assert(sizeof(SuiteSparse_long) == sizeof(sunindextype));
  if (c.symbolic && !samePattern(c, SUNSparseMatrix_IndexPointers(a), SUNSparseMatrix_IndexValues(a), n)) {
    if (c.numeric) klu_l_free_numeric(&c.numeric, &c.common);
    klu_l_free_symbolic(&c.symbolic, &c.common);
  }
  if (!c.symbolic) {
    c.symbolic = klu_l_analyze(n, cp, ri, &c.common);
    ++c.counters.analyses;
    if (!c.symbolic) return c.last_flag = SUNLS_PACKAGE_FAIL_UNREC;
    c.col_ptr.assign(cp, cp + n + 1);
    c.row_idx.assign(ri, ri + cp[n]);
  }
  auto factor = [&] {
    if (c.numeric) klu_l_free_numeric(&c.numeric, &c.common);
    c.numeric = klu_l_factor(cp, ri, x, c.symbolic, &c.common);
    ++c.counters.factorizations;
    if (c.numeric && std::getenv("FEEDERLAB_IDA_TRACE"))  // fill-in of the first factorization
      std::fprintf(stderr, "klu factor n=%ld nnz(A)=%ld lnz=%ld unz=%ld blocks=%ld\n", (long)n, (long)cp[n],
                   (long)c.numeric->lnz, (long)c.numeric->unz, (long)c.symbolic->nblocks);
    return c.numeric != nullptr;
  };
  if (!c.numeric) {
    if (!factor()) return c.last_flag = SUNLS_PACKAGE_FAIL_REC;
  } else {
    const bool ok = klu_l_refactor(cp, ri, x, c.symbolic, c.numeric, &c.common) != 0;
    ++c.counters.refactorizations;
    // Pivots chosen for an earlier matrix may be poor for this one (SUNLinSol_KLU's test).
    bool good = ok;
    if (ok && klu_l_rcond(c.symbolic, c.numeric, &c.common))
      good = c.common.rcond > std::pow(std::numeric_limits<double>::epsilon(), 2.0 / 3.0);
    if (!good && !factor()) return c.last_flag = SUNLS_PACKAGE_FAIL_REC;
  }
  return c.last_flag = SUNLS_SUCCESS;
}

int solve(SUNLinearSolver s, SUNMatrix a, N_Vector x, N_Vector b, realtype) {
  auto& c = *content(s);
  const sunindextype n = SUNSparseMatrix_Columns(a);
  double* xd = N_VGetArrayPointer(x);
  std::memcpy(xd, N_VGetArrayPointer(b), static_cast<std::size_t>(n) * sizeof(double));
  if (!c.numeric || !klu_l_solve(c.symbolic, c.numeric, n, 1, xd, &c.common))
    return c.last_flag = SUNLS_PACKAGE_FAIL_UNREC;
  return c.last_flag = SUNLS_SUCCESS;
}

sunindextype lastFlag(SUNLinearSolver s) { return content(s)->last_flag; }

int freeSolver(SUNLinearSolver s) {
  if (!s) return SUNLS_SUCCESS;
  if (auto* c = content(s)) {
    if (c->numeric) klu_l_free_numeric(&c->numeric, &c->common);
    if (c->symbolic) klu_l_free_symbolic(&c->symbolic, &c->common);
    delete c;
    s->content = nullptr;
  }
  SUNLinSolFreeEmpty(s);
  return SUNLS_SUCCESS;
}

}  // namespace

SUNLinearSolver makeKeptSymbolicKlu(SUNContext ctx) {
  SUNLinearSolver s = SUNLinSolNewEmpty(ctx);
  if (!s) return nullptr;
  s->ops->gettype = getType;
  s->ops->getid = getId;
  s->ops->initialize = initialize;
  s->ops->setup = setup;
  s->ops->solve = solve;
  s->ops->lastflag = lastFlag;
  s->ops->free = freeSolver;
  auto* c = new Content;
  klu_l_defaults(&c->common);
  s->content = c;
  return s;
}

KluCounters kluCounters(SUNLinearSolver ls) { return content(ls)->counters; }

}  // namespace feederlab::solver
