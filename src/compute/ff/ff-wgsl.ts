/**
 * The force field in WGSL (f32): the same pair form and force shift as cpu.ts, one thread per (atom,
 * configuration). Each thread sums its atom's terms and writes them out; the host adds the per-atom terms in
 * f64, so no atomics and no f32 accumulation across threads.
 *
 * Inputs: positions wrapped into the cell by the host (so a few in-plane images suffice), `meta` = group |
 * species << 8, pair parameters 8 per species pair (A, C, R0, d, E(rc), E'(rc), 0, 0).
 */
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

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> atomMeta: array<u32>;
@group(0) @binding(3) var<storage, read> pp: array<f32>;
@group(0) @binding(4) var<storage, read> shifts: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;

// Energy (eV) and dE/dr (eV/Å) of one pair at r, force-shifted at the cutoff.
fn pairTerm(k: u32, r: f32) -> vec2<f32> {
  let a = pp[8u * k];
  let c = pp[8u * k + 1u];
  let r0 = pp[8u * k + 2u];
  let d = pp[8u * k + 3u];
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
  let ec = pp[8u * k + 4u];
  let fc = pp[8u * k + 5u];
  return vec2<f32>(e - ec - (r - P.cutoff) * fc, de - fc);
}

fn position(j: u32, conf: u32) -> vec3<f32> {
  var p = pos[j].xyz;
  if ((atomMeta[j] & 255u) == P.moved) { p += shifts[conf].xyz; }
  return p;
}

// Energies of many rigid shifts of group P.moved: out[conf * n + i].x = sum over pairs (i, j) with
// group(i) > group(j), each pair counted once.
@compute @workgroup_size(64)
fn energies(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let conf = gid.y;
  if (i >= P.n || conf >= P.nconf) { return; }
  let gi = atomMeta[i] & 255u;
  let si = atomMeta[i] >> 8u;
  var e = 0.0;
  var count = 0.0;
  let pi = position(i, conf);
  let rc2 = P.cutoff * P.cutoff;
  for (var j = 0u; j < P.n; j++) {
    let gj = atomMeta[j] & 255u;
    if (gi <= gj) { continue; }
    let k = si * P.nspec + (atomMeta[j] >> 8u);
    let pj = position(j, conf);
    for (var ia = -P.na; ia <= P.na; ia++) {
      for (var ib = -P.nb; ib <= P.nb; ib++) {
        let dx = pj.x + f32(ia) * P.ab.x + f32(ib) * P.ab.z - pi.x;
        let dy = pj.y + f32(ia) * P.ab.y + f32(ib) * P.ab.w - pi.y;
        let dz = pj.z - pi.z;
        let r2 = dx * dx + dy * dy + dz * dz;
        if (r2 >= rc2) { continue; }
        e += pairTerm(k, sqrt(r2)).x;
        count += 1.0;
      }
    }
  }
  out[conf * P.n + i] = vec4<f32>(e, count, 0.0, 0.0);
}

// Energy and forces of one configuration: thread i sums the force on atom i from every atom of another
// group (both directions) and half of each pair energy; out[i] = (Fx, Fy, Fz, E_i / 2).
@compute @workgroup_size(64)
fn energyForces(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= P.n) { return; }
  let gi = atomMeta[i] & 255u;
  let si = atomMeta[i] >> 8u;
  var e = 0.0;
  var f = vec3<f32>(0.0);
  let pi = pos[i].xyz;
  let rc2 = P.cutoff * P.cutoff;
  for (var j = 0u; j < P.n; j++) {
    let gj = atomMeta[j] & 255u;
    if (gi == gj) { continue; }
    let k = si * P.nspec + (atomMeta[j] >> 8u);
    let pj = pos[j].xyz;
    for (var ia = -P.na; ia <= P.na; ia++) {
      for (var ib = -P.nb; ib <= P.nb; ib++) {
        let d = vec3<f32>(pj.x + f32(ia) * P.ab.x + f32(ib) * P.ab.z - pi.x, pj.y + f32(ia) * P.ab.y + f32(ib) * P.ab.w - pi.y, pj.z - pi.z);
        let r2 = dot(d, d);
        if (r2 >= rc2) { continue; }
        let r = sqrt(r2);
        let t = pairTerm(k, r);
        e += 0.5 * t.x;
        f += (t.y / r) * d; // F_i = E'(r) d / r with d = r_j − r_i
      }
    }
  }
  out[i] = vec4<f32>(f, e);
}
`;
