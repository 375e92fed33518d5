import type { Structure } from '../core/structure';
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

/** The API compute.worker.ts exposes over comlink. Every value crossing is structured-clone safe. */
export interface ComputeApi {
  status(): Promise<WorkerStatus>;
  readFiles(files: FileInput[]): Promise<ReadReport[]>;
}
