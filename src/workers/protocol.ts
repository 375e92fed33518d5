import type { Structure } from '../core/structure';
import type { LatticeMatch, LayerResult, MatchParams, SlabResult } from '../compute/geometry/geometry';
import type { Placement, PrepareOptions, SearchMode } from '../compute/geometry/pipeline';
import type { ParseIssue } from '../io/issues';

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

export interface MatchesReply {
  film: LayerResult;
  slab: SlabResult;
  /** Which cell the Miller indices were read in. */
  hklNote: string;
  matches: LatticeMatch[];
  scan?: { twist: number; match: LatticeMatch | null }[];
}

/** The API compute.worker.ts exposes over comlink. Every value crossing is structured-clone safe. */
export interface ComputeApi {
  status(): Promise<WorkerStatus>;
  readFiles(files: FileInput[]): Promise<ReadReport[]>;
  findInterfaceMatches(req: InterfaceRequest, params: MatchParams, mode: SearchMode): Promise<MatchesReply>;
  buildInterface(req: InterfaceRequest, match: LatticeMatch, placement: Placement): Promise<Structure>;
}
