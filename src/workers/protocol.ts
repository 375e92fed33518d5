import type { Structure } from '../core/structure';
import type { LatticeMatch, LayerResult, MatchParams, SlabResult } from '../compute/geometry/geometry';
import type { Placement, PrepareOptions, SearchMode } from '../compute/geometry/pipeline';
import type { ParseIssue } from '../io/issues';
import type { FFModel, FFParams } from '../compute/ff/model';
import type { Progress, RegistryScanResult, RelaxResult, ZScanResult } from '../compute/ff/ops';
import type { BackendChoice } from '../compute/ff/select';
import type { InterfaceEstimate } from '../compute/ml/estimate';

export interface TargetSummary {
  model: string;
  unit: string;
  leaveOneFilmOutRmse: number;
  leaveOneSubstrateOutRmse: number;
}

/** A file handed to the worker: its name and bytes (the buffer is transferred, not copied). */
export interface FileInput {
  name: string;
  bytes: ArrayBuffer;
}

/** What reading one file gave: structures with their warnings, or the one issue that stopped it. */
export type ReadReport =
  | { file: string; ok: true; structures: Structure[]; warnings: ParseIssue[] }
  | { file: string; ok: false; issue: ParseIssue };

export interface WorkerStatus {
  /** Geometry backend that is loaded ('wasm' once heterolab.wasm is instantiated). */
  geometry: 'wasm' | 'unavailable';
  geometryError?: string;
}

/** A film and a substrate bulk, and how to turn them into a 2D layer and a slab. */
export interface InterfaceRequest {
  film: Structure;
  substrate: Structure;
  options: PrepareOptions & { hklCell?: 'conventional' | 'given' };
}

/**
 * A further film stacked on the interface: which face touches the film below, its match against the cell of
 * everything below it (from findUpperMatches), and its placement (z in Å above the film below; shift in
 * fractions of the final cell).
 */
export interface UpperRequest {
  film: Structure;
  face: 'bottom' | 'top';
  match: LatticeMatch;
  zSeparation: number;
  shift: [number, number];
}

export interface MatchesReply {
  film: LayerResult;
  slab: SlabResult;
  /** Which cell the Miller indices were read in. */
  hklNote: string;
  matches: LatticeMatch[];
  /** Atoms in the built interface for each match (same order). */
  atoms: number[];
  scan?: { twist: number; match: LatticeMatch | null }[];
}

/** Which force-field backend runs, and why when it is not the one asked for. */
export interface FFStatus {
  choice: BackendChoice;
  kind: 'cpu' | 'wasm' | 'webgpu';
  adapter?: string;
  notices: string[];
}

/** One configuration: interlayer energy (eV), binding energy (eV per film atom, > 0 bound), forces (eV/Å). */
export interface FFEvaluation {
  energy: number;
  bindingEnergy: number;
  /** z-separation of film 1 (Å). */
  zSeparation: number;
  pairs: number;
  forces: Float64Array;
  backend: 'cpu' | 'wasm' | 'webgpu';
  model: FFModel;
}

/** Timing of one benchmark row (in-app benchmark page). */
export interface FFBenchRow {
  backend: 'cpu' | 'wasm' | 'webgpu';
  atoms: number;
  what: 'energy+forces' | 'registry scan';
  configurations: number;
  ms: number;
  pairs: number;
}

/** The API compute.worker.ts exposes over comlink. Every value crossing is structured-clone safe. */
export interface ComputeApi {
  status(): Promise<WorkerStatus>;
  readFiles(files: FileInput[]): Promise<ReadReport[]>;
  findInterfaceMatches(req: InterfaceRequest, params: MatchParams, mode: SearchMode): Promise<MatchesReply>;
  /** The interface for one match, with optional films stacked on top (bottom to top). */
  buildInterface(req: InterfaceRequest, match: LatticeMatch, placement: Placement, uppers?: UpperRequest[]): Promise<Structure>;
  /**
   * Coincident cells of a further film on top of the stack (film 1 with `match`, then `below`): matches are
   * against the cell of everything below, so a match's substrateMatrix is how much that cell must grow.
   */
  findUpperMatches(req: InterfaceRequest, match: LatticeMatch, below: UpperRequest[], film: Structure, face: 'bottom' | 'top', params: MatchParams, mode: SearchMode): Promise<{ matches: LatticeMatch[]; atoms: number[]; cellArea: number }>;
  /** Chooses the force-field backend for the calls that follow ('auto' tries WebGPU first). */
  ffConfigure(choice: BackendChoice): Promise<FFStatus>;
  ffEvaluate(s: Structure, p: FFParams): Promise<FFEvaluation>;
  /** Binding curve of film `group` (default 1); films above it move with it. `progress` gets (done, total). */
  ffZScan(s: Structure, zs: number[], p: FFParams, group?: number, progress?: Progress): Promise<ZScanResult & { backend: string }>;
  /** Energy over in-plane shifts of film `group` (default 1) alone. */
  ffRegistryScan(s: Structure, nx: number, ny: number, p: FFParams, relaxZ: boolean, group?: number, progress?: Progress): Promise<RegistryScanResult & { backend: string }>;
  ffRelax(s: Structure, p: FFParams, o: { fmax?: number; maxSteps?: number }, progress?: Progress): Promise<Omit<RelaxResult, 'system'> & { structure: Structure; backend: string }>;
  /** ONNX estimates (binding energy, z-separation, with σ, model, accuracy, domain) for an interface. */
  /** `priorKey` names the interface cell (match, twist, slab): its force-field prior is computed once and reused. */
  predict(s: Structure, strain: number, priorKey?: string): Promise<InterfaceEstimate>;
  /** The shipped models' manifest summary and model card (markdown). */
  modelInfo(): Promise<{ name: string; version: string; card: string; ebind: TargetSummary; zsep: TargetSummary }>;
  /** A structure as file text (POSCAR keeps selective dynamics, extended XYZ the roles). */
  writeStructure(s: Structure, format: 'vasp' | 'cif' | 'extxyz'): Promise<string>;
  /** Times energy+forces and a batched registry scan on `s` with the given backend. */
  ffBench(s: Structure, backend: BackendChoice, p: FFParams, grid: number, repeats: number): Promise<FFBenchRow[]>;
}
