/** The force-field models every backend runs (compute/ff/model.ts holds their parameters). */
export const FF_MODELS = ['uff', 'd2', 'fit'] as const;
export type FFModel = (typeof FF_MODELS)[number];

/** Which side takes the lattice mismatch of a match (the index is the wasm iface_params mode). */
export const STRAIN_SIDES = ['film', 'shared', 'substrate'] as const;
export type StrainSide = (typeof STRAIN_SIDES)[number];

/** How the UI names each model. */
export const FF_MODEL_LABELS: Record<FFModel, string> = { uff: 'UFF Lennard-Jones', d2: 'D2 + UFF repulsion', fit: 'fit (D2 form fitted to DFT)' };

/**
 * The one home of heterolab's defaults: the app's forms and session defaults, the CLI's flags, the interface
 * service, reports and the training pipeline all read these. Units in the names' docs.
 */
export const DEFAULTS = {
  /** Largest interface (atoms) built unless the user raises the limit. */
  maxAtoms: 50_000,
  /**
   * Force-field model of live estimates, scans and relaxations, of the CLI's relax/zscan/registry-scan and of the
   * predictors' prior: `fit`, whose leave-one-film-out z RMSE on the Hetero2d DFT records is 0.258 Å against
   * d2's 0.579 (E_bind 0.179 vs 0.303 eV/atom; models/ff-fit/FIT_CARD.md).
   */
  ffModel: 'fit' as const,
  /** Force-field cutoff (Å). */
  cutoff: 12,
  /** z-separation (Å) a film is first placed at, and where the predictors' force-field prior starts. */
  startZ: 3.2,
  /** Vacuum (Å) above the slab/interface along c. */
  vacuum: 15,
  /** Atomic planes of the substrate slab. */
  slabLayers: 4,
  hkl: [1, 1, 1] as [number, number, number],
  face: 'bottom' as const,
  /** Coincidence search limits: interface area (Å²), principal strain (%), angle mismatch (degrees). */
  maxArea: 100,
  maxStrainPct: 5,
  maxAngleDeg: 1,
  /** Matches returned by one search (the rest are counted, not listed). */
  matchLimit: 200,
  /** Largest allowed max area (Å²) at the edges (CLI flag, form). */
  maxAreaLimit: 5000,
  /** z-separations (Å) a placement may have (CLI --z, session restore, app keys). */
  zSeparationRange: [0.5, 100] as [number, number],
} as const;
