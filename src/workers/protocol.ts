/**
 * The compute worker's API, defined once: the worker implements `ComputeApi` (compute-api.ts), the client
 * generates its methods from `COMPUTE_METHODS` (client.ts), and the state layer's port is derived from it.
 * Every value crossing is structured-clone safe; functions (progress callbacks) cross as comlink proxies.
 */
import type { Structure } from '../core/structure';
import type { MatchParams } from '../compute/geometry/geometry';
import type { ParseIssue } from '../io/issues';
import type { WriteFormat } from '../io/write';
import type { FFParams } from '../compute/ff/model';
import type { Progress, RegistryScanResult, RelaxResult, ZScanResult } from '../compute/ff/ops';
import type { BackendChoice } from '../compute/ff/select';
import type { ScreenDefinition, ScreenJob, ScreenRow, StageTimes } from '../compute/screen/screen';
import type { BuiltInterface, EstimateOptions, FFEvaluation, InterfaceRequest, InterfaceSpec, MatchesReply, Placed, SearchMode, Superseded, UpperMatchesReply } from '../compute/interface/types';
import type { StructureLayerInfo } from '../compute/interface/kind';

export type { FFEvaluation, InterfaceRequest, InterfaceSpec, MatchesReply, UpperRequest, Placed, Superseded, BuiltInterface, EstimateOptions, UpperMatchesReply } from '../compute/interface/types';

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
  /** Set (bytes empty) when the page did not read the file because it is over MAX_FILE_BYTES: the worker refuses it by size. */
  size?: number;
}

/** What reading one file gave: structures with their warnings (and each one's kind and faces), or the one issue that stopped it. */
export type ReadReport =
  | { file: string; ok: true; structures: Structure[]; warnings: ParseIssue[]; layers?: StructureLayerInfo[] }
  | { file: string; ok: false; issue: ParseIssue };

export interface WorkerStatus {
  /** Geometry backend that is loaded ('wasm' once heterolab.wasm is instantiated). */
  geometry: 'wasm' | 'unavailable';
  geometryError?: string;
  /** The force-field backend as it stands now (after any fallback, e.g. a lost GPU), once one was chosen. */
  ff?: FFStatus;
}

/** Which force-field backend runs, and why when it is not the one asked for. */
export interface FFStatus {
  choice: BackendChoice;
  kind: 'cpu' | 'wasm' | 'webgpu';
  adapter?: string;
  notices: string[];
}

/** Timing of one benchmark row (in-app benchmark page). */
export interface FFBenchRow {
  backend: 'cpu' | 'wasm' | 'webgpu';
  atoms: number;
  /**
   * 'table …' rows run the tabulated rigid layers (one lookup per atom and layer below it); 'list energy+forces'
   * the Verlet neighbour list (skin 1 Å), reused: its pair terms are those inside the cutoff.
   */
  what: 'energy+forces' | 'registry scan' | 'table build' | 'table energy+forces' | 'table registry scan' | 'list energy+forces';
  configurations: number;
  ms: number;
  /** Pair terms inside the cutoff evaluated (0 for table rows). */
  pairs: number;
  /** Table lookups done (0 for exact rows). */
  lookups: number;
}

/** Energies (eV) and forces (eV/Å) of the exact sum and of the WebGPU tables on the same configurations. */
export type FFTableCheck =
  | { skip: string }
  | { adapter: string; configs: { exact: { energy: number; forces: Float64Array }; table: { energy: number; forces: Float64Array } }[]; scan: { exact: Float64Array; table: Float64Array } };

/** The WebGPU neighbour list and the exact sum (wasm) through the list states of ffListCheck, with the list builds after each. */
export type FFListCheck =
  | { skip: string }
  | { adapter: string; states: { what: string; builds: number; exact: { energy: number; forces: Float64Array; pairs: number }; list: { energy: number; forces: Float64Array; pairs: number } }[] };

/** `tabulated`: the rigid-layer tables ran (interfaces from RIGID_TABLE_MIN_ATOMS atoms on wasm or WebGPU), not the pair sum. */
export type ScanReply<T> = T & { backend: string; tabulated?: boolean };
export type RelaxReply = Omit<RelaxResult, 'system'> & { structure: Structure; backend: string; tabulated?: boolean };

/** The API compute.worker.ts exposes over comlink. */
export interface ComputeApi {
  status(): Promise<WorkerStatus>;
  readFiles(files: FileInput[]): Promise<ReadReport[]>;
  /**
   * Coincident supercells of the film on the substrate's slab (all twists, one twist, or a twist scan). Work is
   * estimated first and refused over the limit (GeometryError 'too-much-work'); `progress` gets chunks done.
   */
  matches(req: InterfaceRequest, params: MatchParams, mode: SearchMode, progress?: Progress): Promise<MatchesReply>;
  /** Coincident cells of a further film on the cell of everything below it (a match's substrateMatrix = growth). */
  upperMatches(spec: Omit<InterfaceSpec, 'placement'>, film: Structure, face: 'bottom' | 'top', params: MatchParams, mode: SearchMode): Promise<UpperMatchesReply>;
  /** The interface for a spec, as it will be exported. */
  build(spec: InterfaceSpec): Promise<BuiltInterface>;
  /** Build + live estimates in one round trip; dropped (superseded) when a newer place call replaced it. */
  place(spec: InterfaceSpec, est: EstimateOptions): Promise<Placed | Superseded>;
  /** Force-field energy and forces of any structure with film roles (benchmarks, conformance checks). */
  evaluate(s: Structure, p: FFParams): Promise<FFEvaluation>;
  /** Chooses the force-field backend for the calls that follow ('auto' prefers a hardware GPU, else wasm). */
  ffConfigure(choice: BackendChoice): Promise<FFStatus>;
  /** Binding curve of film `film` (1 = first); films above it move with it. `progress` gets (done, total). */
  zScan(spec: InterfaceSpec, film: number, zs: number[], p: FFParams, progress?: Progress): Promise<ScanReply<ZScanResult>>;
  /** Energy over in-plane shifts of film `film` alone. */
  registryScan(spec: InterfaceSpec, film: number, nx: number, ny: number, p: FFParams, relaxZ: boolean, progress?: Progress): Promise<ScanReply<RegistryScanResult>>;
  /** Rigid pre-relaxation of every film. */
  relax(spec: InterfaceSpec, p: FFParams, o: { fmax?: number; maxSteps?: number }, progress?: Progress): Promise<RelaxReply>;
  /** The shipped models' manifest summary and model card (markdown). */
  modelInfo(): Promise<{ name: string; version: string; card: string; ebind: TargetSummary; zsep: TargetSummary }>;
  /** The formats the export menu offers (io's format table): id, label, file extension or fixed file name. */
  writableFormats(): Promise<{ id: WriteFormat; label: string; extension: string; fileName?: string }[]>;
  /** A structure as file text (POSCAR keeps selective dynamics, extended XYZ the roles). */
  writeStructure(s: Structure, format: WriteFormat): Promise<string>;
  /**
   * A screen for this worker: the definition is kept (structures cross once), the job list (both faces of
   * Janus films) and the definition's hash come back. A pool of workers each gets the same definition.
   */
  screenDefine(def: ScreenDefinition): Promise<{ jobs: ScreenJob[]; definition: string }>;
  /** Runs jobs of the defined screen; `progress` is called after each job with its row. */
  screenRun(jobs: ScreenJob[], progress?: (row: ScreenRow) => void): Promise<{ rows: ScreenRow[]; times: StageTimes }>;
  /** Times energy+forces and a batched registry scan on `s` with the given backend. */
  ffBench(s: Structure, backend: BackendChoice, p: FFParams, grid: number, repeats: number): Promise<FFBenchRow[]>;
  /** Tabulated layers on WebGPU against the exact sum (wasm): film 1 shifted by each (dx, dy, dz) in Å. */
  ffTableCheck(s: Structure, p: FFParams, shifts: [number, number, number][]): Promise<FFTableCheck>;
  /** The neighbour list on WebGPU against the exact sum (wasm): moves below half the skin, and above it. */
  ffListCheck(s: Structure, p: FFParams): Promise<FFListCheck>;
}

/** Every method of ComputeApi, once: the client's methods are generated from this list. */
/** The client's heartbeat message; the worker answers it with the same object whenever its event loop is free. */
export const HEARTBEAT = 'heterolab-heartbeat';

export const COMPUTE_METHODS = ['status', 'readFiles', 'matches', 'upperMatches', 'build', 'place', 'evaluate', 'ffConfigure', 'zScan', 'registryScan', 'relax', 'modelInfo', 'writeStructure', 'writableFormats', 'screenDefine', 'screenRun', 'ffBench', 'ffTableCheck', 'ffListCheck'] as const;

// The list and the interface cannot drift apart: a method missing from the list fails to compile here.
type Listed = (typeof COMPUTE_METHODS)[number];
export const METHODS_COMPLETE: [Exclude<keyof ComputeApi, Listed>] extends [never] ? true : never = true;
