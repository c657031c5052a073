/**
 * Counter-based randomness: every draw is a pure function of (seed, stream, index), so the
 * simulator gives the same number for the same symbol and time on any machine, in any order.
 * Only integer mixing and `Math.log`/`Math.sqrt` are used, which V8 computes identically
 * everywhere.
 */

/** FNV-1a over the UTF-16 code units of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: a good 32-bit avalanche. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of (seed, stream, index); index may be any safe integer. */
export function mix(seed: number, stream: number, index: number): number {
  return keyedMix(streamKey(seed, stream), index);
}

/** The part of `mix` that depends on the seed and stream alone. */
function streamKey(seed: number, stream: number): number {
  return fmix(seed ^ Math.imul(stream + 1, 0x9e3779b9));
}

function keyedMix(key: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 0x1_0000_0000) >>> 0;
  return fmix(fmix(key ^ lo) ^ Math.imul(hi + 0x27d4eb2f, 0x165667b1));
}

/** Uniform in the open interval (0, 1). */
export function uniform(seed: number, stream: number, index: number): number {
  return (mix(seed, stream, index) + 0.5) / 0x1_0000_0000;
}

/** Standard normal by Acklam's inverse-CDF approximation (relative error < 1.2e-9). */
export function normalFromUniform(p: number): number {
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((-7.784894002430293e-3 * q - 0.3223964580411365) * q - 2.400758277161838) * q -
        2.549732539343734) *
        q +
        4.374664141464968) *
        q +
        2.938163982698783) /
      ((((7.784695709041462e-3 * q + 0.3224671290700398) * q + 2.445134137142996) * q +
        3.754408661907416) *
        q +
        1)
    );
  }
  if (p > 1 - pLow) return -normalFromUniform(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r +
      138.357751867269) *
      r -
      30.66479806614716) *
      r +
      2.506628274631) *
      q) /
    (((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r +
      66.80131878151133) *
      r -
      13.28068155554502) *
      r +
      1)
  );
}

const JUMP_P = 0.04;
const JUMP_SCALE = 4;
/** Keeps the mixture at unit variance: (1 - p)s² + p(ks)² = 1. */
const BASE_SCALE = 1 / Math.sqrt(1 - JUMP_P + JUMP_P * JUMP_SCALE * JUMP_SCALE);

/**
 * A fat-tailed draw with unit variance: a normal whose scale is four times larger on 4% of
 * draws (a scale mixture, so its excess kurtosis is about 10, like high-frequency returns).
 */
export function fatTailed(seed: number, stream: number, index: number): number {
  const z = normalFromUniform(uniform(seed, stream, index));
  const jump = uniform(seed, stream + 0x5bd1, index) < JUMP_P;
  return z * BASE_SCALE * (jump ? JUMP_SCALE : 1);
}

/**
 * The draws of one (seed, stream), for loops that take many: the same numbers as `uniform` and
 * `fatTailed`, with the per-stream hashing done once instead of on every draw.
 */
export class DrawStream {
  private readonly key: number;
  private readonly jumpKey: number;

  constructor(seed: number, stream: number) {
    this.key = streamKey(seed, stream);
    this.jumpKey = streamKey(seed, stream + 0x5bd1);
  }

  uniform(index: number): number {
    return (keyedMix(this.key, index) + 0.5) / 0x1_0000_0000;
  }

  fatTailed(index: number): number {
    const z = normalFromUniform((keyedMix(this.key, index) + 0.5) / 0x1_0000_0000);
    const jump = (keyedMix(this.jumpKey, index) + 0.5) / 0x1_0000_0000 < JUMP_P;
    return z * BASE_SCALE * (jump ? JUMP_SCALE : 1);
  }
}
