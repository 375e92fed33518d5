/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), replayable from its seed. */
export type Rng = () => number;
export function rng(seed: number): Rng;
