#!/usr/bin/env python3
"""The coefficients of verf (native/isa/vec-math.h): erf(x) ~ x P(x^2) / Q(x^2) on |x| <= X, P of degree DP, Q of
degree DQ with Q(0) = 1, fitted to the least maximum absolute error by the differential-correction method (each
round a linear program: minimise d subject to |x (P(u) - g(u) Q(u))| / Q_prev(u) <= d at the sample points, u = x^2,
g = erf(x) / x, erf from mpmath). Prints the coefficients rounded to float32 (P from degree 0, then Q from degree 1)
and the float32 evaluation's largest error on [0, 6] (Horner with one rounding per FMA, as the kernel computes).

    python3 reference/fit_erf.py [DP=7] [DQ=4] [X=4]

Needs numpy, scipy and mpmath (not used by npm test). Run 2026-12-02: double-precision fit error 1.1e-7, float32
evaluation 2.7e-7 (the rounding near erf = 1 dominates). The kernel's coefficients are this script's output under
numpy 2.4, scipy 1.17 and mpmath 1.3; Debian's /usr/bin/python3 (scipy 1.10, mpmath 1.2) ends on other coefficients
of the same error (2.6e-7 in float32): the optimum is flat, and each version's linear-program solver stops at another
point of it.
"""
import sys

import mpmath
import numpy as np
from scipy.optimize import linprog

dp, dq, limit = (int(sys.argv[1]) if len(sys.argv) > 1 else 7, int(sys.argv[2]) if len(sys.argv) > 2 else 4,
                 float(sys.argv[3]) if len(sys.argv) > 3 else 4.0)
n = 3000
# Chebyshev-like points (dense at the ends) and uniform ones.
x = np.unique(np.concatenate([limit * (1 - np.cos(np.linspace(0, np.pi / 2, n))), np.linspace(0, limit, n)]))
x = x[x > 0]
u = x * x
f = np.array([float(mpmath.erf(v)) for v in x])
g = f / x
powers_p = np.vstack([u ** i for i in range(dp + 1)]).T
powers_q = np.vstack([u ** j for j in range(1, dq + 1)]).T
q_prev = np.ones_like(u)
for round_index in range(12):
    weight = (x / q_prev)[:, None]
    lhs = np.hstack([powers_p * weight, -(g[:, None] * powers_q) * weight])
    rhs = g * x / q_prev
    unknowns = lhs.shape[1]
    ones = np.ones((len(u), 1))
    result = linprog(np.r_[np.zeros(unknowns), 1.0],
                     A_ub=np.vstack([np.hstack([lhs, -ones]), np.hstack([-lhs, -ones])]), b_ub=np.r_[rhs, -rhs],
                     bounds=[(None, None)] * unknowns + [(0, None)], method='highs')
    p, q = result.x[:dp + 1], result.x[dp + 1:unknowns]
    q_prev = 1 + powers_q @ q
    print(f'round {round_index}: max abs error {np.max(np.abs(x * (powers_p @ p) / q_prev - f)):.3g}', file=sys.stderr)

p32, q32 = [np.float32(v) for v in p], [np.float32(v) for v in q]
print('P:', ', '.join(repr(float(v)) for v in p32))
print('Q:', ', '.join(repr(float(v)) for v in q32))


def erf_float32(v):
    v = np.float32(min(max(v, -limit), limit))
    uu = np.float32(v * v)
    acc_p = p32[dp]
    for c in reversed(p32[:dp]):
        acc_p = np.float32(np.float64(acc_p) * uu + c)  # one rounding: an FMA
    acc_q = q32[dq - 1]
    for c in list(reversed(q32[:dq - 1])) + [np.float32(1.0)]:
        acc_q = np.float32(np.float64(acc_q) * uu + c)
    return np.float32(np.float32(v * acc_p) / acc_q)


worst = max(abs(float(erf_float32(v)) - float(mpmath.erf(v))) for v in np.linspace(0, 6, 20001))
print(f'float32 evaluation: max abs error {worst:.3g} on [0, 6]')
