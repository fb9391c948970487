// Seeded randomness, so that a fault schedule drawn with probabilities replays exactly from its seed (given the same
// order of requests).

/** mulberry32: small, fast, and good enough to decide which request to hurt. Returns uniform floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
