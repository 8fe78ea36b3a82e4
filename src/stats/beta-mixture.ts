/**
 * The one-sided beta-binomial mixture e-process, the building block of every sequential test here.
 *
 * Setting: k "successes" in n Bernoulli trials, observed as they arrive (n may be a real number:
 * counts from Prometheus' increase() are extrapolated). The null is one-sided, H0: p ≤ p0 (side
 * `above`, evidence that p is larger) or H0: p ≥ p0 (side `below`).
 *
 * Derivation. For one alternative p1 > p0 the likelihood ratio
 *   L_n(p1) = (p1/p0)^k ((1 − p1)/(1 − p0))^(n − k)
 * is a nonnegative supermartingale under every p ≤ p0: one trial multiplies it by a factor whose
 * mean is 1 + (p − p0)(p1 − p0) / (p0(1 − p0)) ≤ 1. A mixture ∫ L_n(p1) π(dp1) over any prior π
 * on (p0, 1] is then a nonnegative supermartingale too (Robbins 1970, "Statistical methods related
 * to the law of the iterated logarithm", Ann. Math. Statist. 41), with E[E_0] = 1, so by Ville's
 * inequality (Ville 1939) P(sup_n E_n ≥ 1/α) ≤ α: rejecting the first time E_n ≥ 1/α, however
 * often one looks, is wrong with probability at most α. With π a Beta(a, b) truncated to (p0, 1]
 * the mixture has the closed form
 *   E_n = B(k + a, n − k + b) · P(Beta(k + a, n − k + b) > p0)
 *         / [ B(a, b) · P(Beta(a, b) > p0) · p0^k (1 − p0)^(n − k) ],
 * the upper tails being regularized incomplete beta functions (stdlib's betainc). Side `below`
 * mirrors it with lower tails. See also Howard, Ramdas, McAuliffe & Sekhon (2021), "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2), §3 (beta-binomial mixture).
 *
 * Inverting the `below` test gives a time-uniform upper confidence bound: the set of p' that the
 * test of H0: p ≥ p' has not rejected contains the true p at every n with probability ≥ 1 − α.
 */
import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';

export interface BetaPrior {
  a: number;
  b: number;
}

export type Side = 'above' | 'below';

/** ln E_n for k successes in n trials against H0: p ≤ p0 (`above`) or p ≥ p0 (`below`). */
export function logMixtureE(k: number, n: number, p0: number, prior: BetaPrior, side: Side): number {
  if (!(p0 > 0 && p0 < 1)) throw new RangeError(`p0 must be strictly between 0 and 1, got ${p0}`);
  if (!(n >= 0 && k >= 0 && k <= n)) throw new RangeError(`need 0 ≤ k ≤ n, got k ${k}, n ${n}`);
  if (n === 0) return 0;
  const upper = side === 'above';
  const posterior = logTail(p0, k + prior.a, n - k + prior.b, upper);
  const mass = logTail(p0, prior.a, prior.b, upper);
  return (
    betaln(k + prior.a, n - k + prior.b) +
    posterior -
    betaln(prior.a, prior.b) -
    mass -
    k * Math.log(p0) -
    (n - k) * Math.log1p(-p0)
  );
}

/** A Beta prior with the given mean and concentration a + b. */
export function betaPrior(mean: number, concentration: number): BetaPrior {
  return { a: concentration * mean, b: concentration * (1 - mean) };
}

/**
 * The time-uniform upper confidence bound at level 1 − alpha for p after k successes in n trials:
 * the largest p' whose `below` test (prior chosen per p') has not reached 1/alpha. 1 without data.
 */
export function upperConfidenceBound(
  k: number,
  n: number,
  alpha: number,
  priorFor: (p: number) => BetaPrior,
): number {
  if (n <= 0) return 1;
  const threshold = Math.log(1 / alpha);
  const rejects = (p: number): boolean => logMixtureE(k, n, p, priorFor(p), 'below') >= threshold;
  let lo = Math.min(Math.max(k / n, 1e-12), 1 - 1e-12);
  let hi = 1 - 1e-12;
  if (!rejects(hi)) return 1;
  if (rejects(lo)) return lo;
  // The test rejects more the further p' lies above k/n: bisect the boundary.
  for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(lo, 1e-6); i++) {
    const mid = (lo + hi) / 2;
    if (rejects(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function logTail(x: number, a: number, b: number, upper: boolean): number {
  const value = betainc(x, a, b, true, upper);
  return value > 0 ? Math.log(value) : Number.NEGATIVE_INFINITY;
}
