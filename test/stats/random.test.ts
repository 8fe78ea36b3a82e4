import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/stats/random.ts';

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return [r.uniform(), r.normal(), r.binomial(1000, 0.3)];
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('draws uniforms in [0, 1), standard normals and binomials with the right means', () => {
    const r = seededRandom(1);
    const n = 20_000;
    let u = 0;
    let z = 0;
    let z2 = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const value = r.uniform();
      expect(value >= 0 && value < 1).toBe(true);
      u += value;
      const normal = r.normal();
      z += normal;
      z2 += normal * normal;
      b += r.binomial(100, 0.05);
    }
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(z / n).toBeCloseTo(0, 1);
    expect(z2 / n).toBeCloseTo(1, 1);
    expect(b / n).toBeCloseTo(5, 1);
  });
});
