/**
 * The measurements of the structure view: atoms picked in turn (2 for a distance, 3 for an angle, 4 for a
 * dihedral), the finished measurements drawn in 3D (measure.ts), and their values. Picks keep the atom and its
 * periodic-image offset, so a redraw of the same atoms at new positions redraws the measurements there.
 */
import * as THREE from 'three';
import { element } from '../core/elements';
import type { Structure } from '../core/structure';
import { ATOMS_PER_MEASURE, disposeMeasure, measureObject, measureText, type MeasureMode } from './measure';

/** One atom picked for a measurement: its index in the drawn structure and periodic-image offset (Å). */
export interface Pick {
  atom: number;
  image: [number, number, number];
}

export class Measurements {
  readonly group = new THREE.Group();
  mode: MeasureMode = 'distance';
  /** Finished measurements (atom picks). */
  measured: Pick[][] = [];
  /** Atoms picked so far for the measurement under way. */
  picked: Pick[] = [];

  /** `drawn` is the structure on screen; `changed` asks for a render. */
  constructor(private drawn: () => Structure | null, private changed: () => void) {}

  /** Adds an atom to the measurement under way: the prompt for the next atom, or the finished value. */
  add(p: Pick): string {
    this.picked.push(p);
    const names = this.picked.map((q) => this.atomName(q.atom)).join(' – ');
    if (this.picked.length < ATOMS_PER_MEASURE[this.mode]) return `${this.picked.length === 1 ? 'atom' : this.mode} ${names}: click a ${['second', 'third', 'fourth'][this.picked.length - 1]} atom`;
    this.measured.push(this.picked);
    this.picked = [];
    this.redraw();
    return `${names}: ${this.list().at(-1)!.value}`;
  }

  /** Kind, atoms (symbol and 1-based number) and value with its unit of each finished measurement. */
  list(): { kind: MeasureMode; atoms: string[]; value: string }[] {
    return this.measured.map((m) => ({ kind: (['distance', 'angle', 'dihedral'] as const)[m.length - 2], atoms: m.map((p) => this.atomName(p.atom)), value: measureText(m.map((p) => this.position(p))) }));
  }

  clear(): void {
    this.measured = [];
    this.picked = [];
    this.redraw();
  }

  /** Removes the drawn measurements (the structure is gone; `measured` is kept for a redraw of the same atoms). */
  undraw(): void {
    for (const g of [...this.group.children]) disposeMeasure(g);
  }

  /** Draws the finished measurements at the drawn structure's positions. */
  redraw(): void {
    this.undraw();
    if (this.drawn()) for (const m of this.measured) {
      const pts = m.map((p) => this.position(p));
      this.group.add(measureObject(pts, measureText(pts), 17));
    }
    this.changed();
  }

  private position(p: Pick): [number, number, number] {
    const x = this.drawn()!.positions;
    return [x[3 * p.atom] + p.image[0], x[3 * p.atom + 1] + p.image[1], x[3 * p.atom + 2] + p.image[2]];
  }

  private atomName(i: number): string {
    return `${element(this.drawn()!.numbers[i]).symbol}${i + 1}`;
  }
}
