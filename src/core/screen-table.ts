/** The rows of a screen (what the CLI, the worker pool and the screen page share) and their CSV form. */

/** One row of results (units: Å, Å², %, degrees at this edge, eV/atom). */
export interface ScreenRow {
  index: number;
  film: string;
  /** Which face touches the substrate, by its elements (e.g. "Se"), and as bottom/top of the input file. */
  face: string;
  faceSide: 'bottom' | 'top';
  substrate: string;
  hkl: string;
  area: number | null;
  nAtoms: number | null;
  /** Largest principal strain of the film, %. */
  strain: number | null;
  twistDeg: number | null;
  ffZSeparation: number | null;
  ffBindingEnergy: number | null;
  mlZSeparation: number | null;
  mlZSeparationSigma: number | null;
  mlBindingEnergy: number | null;
  mlBindingEnergySigma: number | null;
  formationEnergy: number | null;
  /** E_bind > E_form beyond 2σ: stable; below by 2σ: unstable; else undecided; null without a formation energy. */
  stable: 'stable' | 'unstable' | 'undecided' | null;
  /** P(E_bind > E_form) from the models' σ (the formation energy's σ taken as 0). */
  pStable?: number | null;
  error?: string;
}

/** Rows as CSV with a header line (the JSON field names). */
export function rowsToCsv(rows: ScreenRow[]): string {
  const cols: (keyof ScreenRow)[] = ['index', 'film', 'face', 'faceSide', 'substrate', 'hkl', 'area', 'nAtoms', 'strain', 'twistDeg', 'ffZSeparation', 'ffBindingEnergy', 'mlZSeparation', 'mlZSeparationSigma', 'mlBindingEnergy', 'mlBindingEnergySigma', 'formationEnergy', 'stable', 'pStable', 'error'];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : `"${String(v).replace(/"/g, '""')}"`);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** What the pool order reads of a job (compute/screen's ScreenJob). */
export interface PoolJob {
  index: number;
  film: number;
  face: 'bottom' | 'top';
  substrate: number;
  hkl: [number, number, number];
}

/**
 * The order a pool works in: the two faces of a film on one substrate facet next to each other, so one worker
 * (whose search cache holds the face-down search) does both. Rows keep their job index, so results are the same.
 */
export function poolOrder<J extends PoolJob>(jobs: J[]): J[] {
  // Facets in the order the screen lists them (the first job with each).
  const facet = new Map<string, number>();
  for (const j of [...jobs].sort((a, b) => a.index - b.index)) if (!facet.has(j.hkl.join(' '))) facet.set(j.hkl.join(' '), facet.size);
  const f = (j: J) => facet.get(j.hkl.join(' '))!;
  return [...jobs].sort((a, b) => a.film - b.film || a.substrate - b.substrate || f(a) - f(b) || (a.face === b.face ? 0 : a.face === 'bottom' ? -1 : 1));
}
