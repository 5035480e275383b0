// A SUNDIALS linear solver on KLU that keeps its symbolic analysis for the life of the solver
// (private to src/solver). SUNLinSol_KLU re-analyzes (COLAMD ordering + full factorization) on
// every SUNLinSolInitialize, i.e. after every IDAReInit; a feeder run re-initializes at every
// event and device mode change, and the sparsity pattern never changes (dae::Assembler), so the
// analysis is done once and later setups refactor numerically (klu_l_refactor), falling back to a
// full factorization with pivoting when the refactored matrix is ill-conditioned (the same
// klu_rcond test SUNLinSol_KLU uses).
// KLU: T. A. Davis, E. Palamadai Natarajan, "Algorithm 907: KLU", ACM TOMS 37(3), 2010.
#pragma once

#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

namespace feederlab::solver {

// A SUNLinearSolver of type SUNLINEARSOLVER_DIRECT for CSC SUNSparseMatrix with 64-bit indices.
// Free with SUNLinSolFree.
SUNLinearSolver makeKeptSymbolicKlu(SUNContext ctx);

struct KluCounters {
  long analyses = 0;
  long factorizations = 0;  // full, with pivoting
  long refactorizations = 0;
};
KluCounters kluCounters(SUNLinearSolver ls);

}  // namespace feederlab::solver
