/**
 * Seeded pseudo-random draws for simulations (the A/A tests and the analysis benchmark): the same
 * seed always gives the same sequence, on every machine.
 *
 * Uniforms come from xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), seeded through splitmix32; binomial draws from stdlib's
 * sampler (inversion for small n·p, BTPE otherwise) fed with those uniforms; normal draws by
 * Marsaglia's polar method.
 */
import binomialSampler from '@stdlib/random-base-binomial';

export interface Random {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Binomial(n, p). */
  binomial(n: number, p: number): number;
}

export function seededRandom(seed: number): Random {
  const uniform = xoshiro128(seed);
  const binomial = binomialSampler.factory({ prng: uniform });
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const scale = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * scale;
      return u * scale;
    }
  };
  return {
    uniform,
    normal,
    binomial: (n, p) => (n <= 0 || p <= 0 ? 0 : p >= 1 ? n : binomial(n, p)),
  };
}

/** xoshiro128** as a function returning uniforms on [0, 1) with 32 bits of resolution. */
function xoshiro128(seed: number): () => number {
  let x = Math.trunc(seed) >>> 0;
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()] as [number, number, number, number];
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  };
}

function rotl(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
