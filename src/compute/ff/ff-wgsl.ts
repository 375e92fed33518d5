/**
 * The force field in WGSL (f32): the same pair form and force shift as cpu.ts, one thread per (atom,
 * configuration). Each thread sums its atom's terms and writes them out; the host adds the per-atom terms in
 * f64, so no atomics and no f32 accumulation across threads.
 *
 * Tiled by workgroup shared memory: a workgroup of TILE threads loads TILE atoms (position, shifted for the
 * configuration, and meta) into var<workgroup> memory, and every thread of the group reads them from there, so
 * each position is read from storage once per workgroup instead of once per thread; the pair parameters
 * (at most MAX_SPECIES species) sit in workgroup memory for the whole dispatch.
 *
 * Inputs: positions wrapped into the cell by the host (so a few in-plane images suffice), `meta` = group |
 * species << 8, pair parameters 2 vec4 per species pair ((A, C, R0, d), (E(rc), E'(rc), 0, 0)).
 */
/** Atoms per tile, and the workgroup size of both kernels. */
export const TILE = 64;
/** Species the workgroup parameter table holds (MAX_SPECIES² pairs × 32 bytes = 8 KiB of the 16 KiB WebGPU guarantees). */
export const MAX_SPECIES = 16;

/**
 * The pair parameters in workgroup memory and the force-shifted pair term, shared by the exact kernels here and
 * the neighbour-list kernel (nlist-webgpu.ts). The including shader binds `pp` (2 vec4 per species pair) and
 * declares TILE; `loadPairs` needs every thread of the group and a workgroupBarrier before the first pairTerm.
 */
export const PAIR_TERM_WGSL = /* wgsl */ `
var<workgroup> pairP: array<vec4<f32>, ${2 * MAX_SPECIES * MAX_SPECIES}>;

// The pair parameters into workgroup memory (every thread of the group takes a share).
fn loadPairs(lid: u32, nspec: u32) {
  for (var k = lid; k < 2u * nspec * nspec; k += TILE) { pairP[k] = pp[k]; }
}

// Energy (eV) and dE/dr (eV/Å) of one pair at r, force-shifted at the cutoff rc (Å).
fn pairTerm(k: u32, r: f32, rc: f32) -> vec2<f32> {
  let q = pairP[2u * k];
  let a = q.x;
  let c = q.y;
  let r0 = q.z;
  let d = q.w;
  let ir2 = 1.0 / (r * r);
  let ir6 = ir2 * ir2 * ir2;
  let rep = a * ir6 * ir6;
  var f = 1.0;
  var df = 0.0;
  if (d != 0.0) {
    f = 1.0 / (1.0 + exp(-d * (r / r0 - 1.0)));
    df = d / r0 * f * (1.0 - f);
  }
  let e = rep - c * ir6 * f;
  let de = (-12.0 * rep + 6.0 * c * ir6 * f) / r - c * ir6 * df;
  let shift = pairP[2u * k + 1u];
  return vec2<f32>(e - shift.x - (r - rc) * shift.y, de - shift.y);
}
`;

export const FF_WGSL = /* wgsl */ `
struct Params {
  n: u32,
  nconf: u32,
  moved: u32,
  nspec: u32,
  na: i32,
  nb: i32,
  cutoff: f32,
  _pad: f32,
  ab: vec4<f32>, // ax, ay, bx, by (Å)
};

const TILE: u32 = ${TILE}u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> atomMeta: array<u32>;
@group(0) @binding(3) var<storage, read> pp: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> shifts: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;

var<workgroup> tilePos: array<vec4<f32>, ${TILE}>;
var<workgroup> tileMeta: array<u32, ${TILE}>;
${PAIR_TERM_WGSL}

fn position(j: u32, conf: u32) -> vec3<f32> {
  var p = pos[j].xyz;
  if ((atomMeta[j] & 255u) == P.moved) { p += shifts[conf].xyz; }
  return p;
}

// Atoms base … base + TILE − 1 into the tile (configuration conf). Called by every thread of the group
// (workgroup barriers need uniform control flow, so threads past n still take part).
fn loadTile(base: u32, lid: u32, conf: u32) {
  workgroupBarrier();
  let j = base + lid;
  if (j < P.n) {
    tilePos[lid] = vec4<f32>(position(j, conf), 0.0);
    tileMeta[lid] = atomMeta[j];
  }
  workgroupBarrier();
}

// Energies of many rigid shifts of group P.moved: out[conf * n + i].x = sum over pairs (i, j) with
// group(i) > group(j), each pair counted once; .y the number of pairs within the cutoff.
@compute @workgroup_size(${TILE})
fn energies(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let conf = wid.y;
  let live = gid.x < P.n;
  let i = min(gid.x, P.n - 1u);
  loadPairs(lid, P.nspec);
  let gi = atomMeta[i] & 255u;
  let si = atomMeta[i] >> 8u;
  var e = 0.0;
  var count = 0.0;
  let pi = position(i, conf);
  let rc2 = P.cutoff * P.cutoff;
  for (var base = 0u; base < P.n; base += TILE) {
    loadTile(base, lid, conf);
    let m = min(TILE, P.n - base);
    for (var t = 0u; t < m; t++) {
      let gj = tileMeta[t] & 255u;
      if (gi <= gj) { continue; }
      let k = si * P.nspec + (tileMeta[t] >> 8u);
      let pj = tilePos[t].xyz;
      for (var ia = -P.na; ia <= P.na; ia++) {
        for (var ib = -P.nb; ib <= P.nb; ib++) {
          let dx = pj.x + f32(ia) * P.ab.x + f32(ib) * P.ab.z - pi.x;
          let dy = pj.y + f32(ia) * P.ab.y + f32(ib) * P.ab.w - pi.y;
          let dz = pj.z - pi.z;
          let r2 = dx * dx + dy * dy + dz * dz;
          if (r2 >= rc2) { continue; }
          e += pairTerm(k, sqrt(r2), P.cutoff).x;
          count += 1.0;
        }
      }
    }
  }
  if (live) { out[conf * P.n + i] = vec4<f32>(e, count, 0.0, 0.0); }
}

// Energy and forces of one configuration (no shift): thread i sums the force on atom i from every atom of
// another group (both directions) and half of each pair energy; out[i] = (Fx, Fy, Fz, E_i / 2).
@compute @workgroup_size(${TILE})
fn energyForces(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let live = gid.x < P.n;
  let i = min(gid.x, P.n - 1u);
  loadPairs(lid, P.nspec);
  let gi = atomMeta[i] & 255u;
  let si = atomMeta[i] >> 8u;
  var e = 0.0;
  var f = vec3<f32>(0.0);
  let pi = pos[i].xyz;
  let rc2 = P.cutoff * P.cutoff;
  for (var base = 0u; base < P.n; base += TILE) {
    loadTile(base, lid, 0u);
    let m = min(TILE, P.n - base);
    for (var t = 0u; t < m; t++) {
      let gj = tileMeta[t] & 255u;
      if (gi == gj) { continue; }
      let k = si * P.nspec + (tileMeta[t] >> 8u);
      let pj = tilePos[t].xyz;
      for (var ia = -P.na; ia <= P.na; ia++) {
        for (var ib = -P.nb; ib <= P.nb; ib++) {
          let d = vec3<f32>(pj.x + f32(ia) * P.ab.x + f32(ib) * P.ab.z - pi.x, pj.y + f32(ia) * P.ab.y + f32(ib) * P.ab.w - pi.y, pj.z - pi.z);
          let r2 = dot(d, d);
          if (r2 >= rc2) { continue; }
          let r = sqrt(r2);
          let q = pairTerm(k, r, P.cutoff);
          e += 0.5 * q.x;
          f += (q.y / r) * d; // F_i = E'(r) d / r with d = r_j − r_i
        }
      }
    }
  }
  if (live) { out[i] = vec4<f32>(f, e); }
}
`;
