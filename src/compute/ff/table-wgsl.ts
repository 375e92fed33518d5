/**
 * Tabulated rigid-layer lookups in WGSL (f32): the interpolant of table.ts (periodic cubic B-spline in the
 * plane, cubic Hermite in height on the tabulated ∂V/∂z), one lookup per (atom above a layer, layer table).
 * The host (table-webgpu.ts) uploads every table's coefficients once, decides which atoms and layers interact
 * (`spec` = species index in that table, or −1), and sends the exact sum the few atoms below a table's lowest
 * height; here such heights are clamped to the lowest level.
 *
 * Bindings: 0 params, 1 table headers, 2 coefficients of all tables, 3 atoms (x, y, z wrapped into the
 * supercell, w = layer as bits), 4 spec[t·n + i], 5 layer displacements per configuration (Å), 6 output.
 */
import { TILE } from './ff-wgsl';

/** Bytes per table header (struct Tab). */
export const TAB_BYTES = 64;

export const TABLE_WGSL = /* wgsl */ `
struct Params {
  n: u32,
  nconf: u32,
  ntab: u32,
  nlayers: u32,
};

struct Tab {
  inv: vec4<f32>,  // fractional coordinates: fu = inv.x·x + inv.y·y, fv = inv.z·x + inv.w·y (1/Å)
  zs: vec4<f32>,   // top of the layer, h0, dz, cutoff (Å)
  dims: vec4<u32>, // nu, nv, nz, offset of the table's coefficients in coef
  layer: vec4<u32>, // layer number of the table, unused ×3
};

const TILE: u32 = ${TILE}u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tabs: array<Tab>;
@group(0) @binding(2) var<storage, read> coef: array<f32>;
@group(0) @binding(3) var<storage, read> atoms: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> spec: array<i32>;
@group(0) @binding(5) var<storage, read> disp: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;

var<workgroup> partial: array<f32, ${TILE}>;

// Uniform cubic B-spline weights (value, derivative) at t ∈ [0, 1) for nodes −1, 0, 1, 2 (table.ts bspline).
fn bsplineW(t: f32) -> vec4<f32> {
  let s = 1.0 - t;
  let t2 = t * t;
  let t3 = t2 * t;
  return vec4<f32>(s * s * s, 3.0 * t3 - 6.0 * t2 + 4.0, -3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0, t3) / 6.0;
}
fn bsplineD(t: f32) -> vec4<f32> {
  let s = 1.0 - t;
  let t2 = t * t;
  return vec4<f32>(-0.5 * s * s, 1.5 * t2 - 2.0 * t, -1.5 * t2 + t + 0.5, 0.5 * t2);
}

// V (eV) and ∇V (eV/Å) of table t for species s at (x, y, z) in the table's frame (table.ts lookup).
fn lookup(t: u32, s: u32, x: f32, y: f32, z: f32) -> vec4<f32> {
  let T = tabs[t];
  let h = z - T.zs.x;
  if (h >= T.zs.w) { return vec4<f32>(0.0); }
  let nu = T.dims.x;
  let nv = T.dims.y;
  let nz = T.dims.z;
  let gu = fract(T.inv.x * x + T.inv.y * y) * f32(nu);
  let gv = fract(T.inv.z * x + T.inv.w * y) * f32(nv);
  // fract can round up to 1 in f32: keep the cell index inside the grid.
  let iu = min(u32(gu), nu - 1u);
  let iv = min(u32(gv), nv - 1u);
  let hz = max((h - T.zs.y) / T.zs.z, 0.0);
  let kz = min(nz - 2u, u32(hz));
  let tz = hz - f32(kz);
  let wu = bsplineW(gu - f32(iu));
  let du = bsplineD(gu - f32(iu));
  let wv = bsplineW(gv - f32(iv));
  let dv = bsplineD(gv - f32(iv));
  // a0..a3: (value, ∂/∂gu, ∂/∂gv) of V and ∂V/∂z at levels kz and kz + 1.
  var a0 = vec3<f32>(0.0);
  var a1 = vec3<f32>(0.0);
  var a2 = vec3<f32>(0.0);
  var a3 = vec3<f32>(0.0);
  for (var b = 0u; b < 4u; b++) {
    let row = (s * nv + (iv + nv - 1u + b) % nv) * nu;
    for (var a = 0u; a < 4u; a++) {
      let q = T.dims.w + 2u * ((row + (iu + nu - 1u + a) % nu) * nz + kz);
      let w = vec3<f32>(wu[a] * wv[b], du[a] * wv[b], wu[a] * dv[b]);
      a0 += w * coef[q];
      a1 += w * coef[q + 1u];
      a2 += w * coef[q + 2u];
      a3 += w * coef[q + 3u];
    }
  }
  let dz = T.zs.z;
  let t2 = tz * tz;
  let t3 = t2 * tz;
  let v = (2.0 * t3 - 3.0 * t2 + 1.0) * a0 + (t3 - 2.0 * t2 + tz) * dz * a1 + (-2.0 * t3 + 3.0 * t2) * a2 + (t3 - t2) * dz * a3;
  let vz = (6.0 * t2 - 6.0 * tz) / dz * a0.x + (3.0 * t2 - 4.0 * tz + 1.0) * a1.x + (-6.0 * t2 + 6.0 * tz) / dz * a2.x + (3.0 * t2 - 2.0 * tz) * a3.x;
  let eu = v.y * f32(nu);
  let ev = v.z * f32(nv);
  return vec4<f32>(v.x, eu * T.inv.x + ev * T.inv.z, eu * T.inv.y + ev * T.inv.w, vz);
}

// Atom i under table t in configuration conf: its position relative to the table's layer.
fn relative(i: u32, t: u32, conf: u32) -> vec3<f32> {
  let a = atoms[i];
  let d = disp[conf * P.nlayers + bitcast<u32>(a.w)] - disp[conf * P.nlayers + tabs[t].layer.x];
  return a.xyz + d.xyz;
}

// Interlayer energies of many configurations: one thread per (atom, configuration) sums its lookups over
// the tables; the workgroup adds its TILE atoms, out[conf · groups + wg].x (the host adds the groups in f64).
@compute @workgroup_size(${TILE})
fn tableEnergies(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let conf = wid.y;
  var e = 0.0;
  if (gid.x < P.n) {
    for (var t = 0u; t < P.ntab; t++) {
      let s = spec[t * P.n + gid.x];
      if (s < 0) { continue; }
      let r = relative(gid.x, t, conf);
      e += lookup(t, u32(s), r.x, r.y, r.z).x;
    }
  }
  partial[lid] = e;
  for (var k = TILE / 2u; k > 0u; k /= 2u) {
    workgroupBarrier();
    if (lid < k) { partial[lid] += partial[lid + k]; }
  }
  if (lid == 0u) { out[conf * nwg.x + wid.x] = vec4<f32>(partial[0], 0.0, 0.0, 0.0); }
}

// V and ∇V of every (atom, table) pair of configuration 0: out[t · n + i] = (V, ∂V/∂x, ∂V/∂y, ∂V/∂z).
@compute @workgroup_size(${TILE})
fn tableGradients(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let t = gid.y;
  if (i >= P.n) { return; }
  let s = spec[t * P.n + i];
  var r = vec4<f32>(0.0);
  if (s >= 0) {
    let p = relative(i, t, 0u);
    r = lookup(t, u32(s), p.x, p.y, p.z);
  }
  out[t * P.n + i] = r;
}
`;
