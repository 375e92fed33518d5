/** The unit cell as the view draws it: its eight corners (Å) and its twelve edges as line segments. */
import * as THREE from 'three';

/** Corner k of the cell (row-major vectors a, b, c): the sum of a, b, c for the bits 1, 2, 4 of k. */
export function cellCorners(c: ArrayLike<number>): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let k = 0; k < 8; k++) out.push([0, 1, 2].map((i) => (k & 1 ? c[i] : 0) + (k & 2 ? c[3 + i] : 0) + (k & 4 ? c[6 + i] : 0)) as [number, number, number]);
  return out;
}

/** The cell's edges: pairs of corners (cellCorners numbering) that differ in one bit. */
const EDGES = [[0, 1], [0, 2], [0, 4], [1, 3], [1, 5], [2, 3], [2, 6], [4, 5], [4, 6], [3, 7], [5, 7], [6, 7]];

export function cellBox(c: Float64Array): THREE.LineSegments {
  const corners = cellCorners(c);
  const pos = new Float32Array(EDGES.flatMap(([p, q]) => [...corners[p], ...corners[q]]));
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
  return new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: '#39424e' }));
}
