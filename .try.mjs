// try.ts
import { create, globals } from "webgpu";

// ../../work/main/src/compute/ff/d2-params.ts
var D2_S6_PBE = 0.75;
var D2_DAMPING = 20;
var JNM6_PER_MOL_IN_EV_A6 = 1e6 / 96485.33212;
var D2_C6_R0 = [
  [0.14, 1.001],
  [0.08, 1.012],
  [1.61, 0.825],
  [1.61, 1.408],
  [3.13, 1.485],
  [1.75, 1.452],
  [1.23, 1.397],
  [0.7, 1.342],
  [0.75, 1.287],
  [0.63, 1.243],
  [5.71, 1.144],
  [5.71, 1.364],
  [10.79, 1.639],
  [9.23, 1.716],
  [7.84, 1.705],
  [5.57, 1.683],
  [5.07, 1.639],
  [4.61, 1.595],
  // K, Ca, Sc–Zn (10.80, 1.562), Ga–Kr
  [10.8, 1.485],
  [10.8, 1.474],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [10.8, 1.562],
  [16.99, 1.65],
  [17.1, 1.727],
  [16.37, 1.76],
  [12.64, 1.771],
  [12.47, 1.749],
  [12.01, 1.727],
  // Rb, Sr, Y–Cd (24.67, 1.639), In–Xe
  [24.67, 1.628],
  [24.67, 1.606],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [24.67, 1.639],
  [37.32, 1.672],
  [38.71, 1.804],
  [38.44, 1.881],
  [31.74, 1.892],
  [31.5, 1.892],
  [29.99, 1.881],
  // Cs–Rn: community extension (see above). Cs, Ba, La, Ce–Lu, Hf, Ta–Au, Hg, Tl–Rn
  [315.275, 1.802],
  [226.994, 1.762],
  [176.252, 1.72],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [140.68, 1.753],
  [105.112, 1.788],
  [81.24, 1.772],
  [81.24, 1.772],
  [81.24, 1.772],
  [81.24, 1.772],
  [81.24, 1.772],
  [81.24, 1.772],
  [81.24, 1.772],
  [57.364, 1.758],
  [57.254, 1.989],
  [63.162, 1.944],
  [63.54, 1.898],
  [55.283, 2.005],
  [57.171, 1.991],
  [56.64, 1.924]
];

// ../../work/main/src/compute/ff/uff-params.ts
var UFF_LJ = [
  [1, "H_", 2.886, 0.044],
  [2, "He4+4", 2.362, 0.056],
  [3, "Li", 2.451, 0.025],
  [4, "Be3+2", 2.745, 0.085],
  [5, "B_3", 4.083, 0.18],
  [6, "C_3", 3.851, 0.105],
  [7, "N_3", 3.66, 0.069],
  [8, "O_3", 3.5, 0.06],
  [9, "F_", 3.364, 0.05],
  [10, "Ne4+4", 3.243, 0.042],
  [11, "Na", 2.983, 0.03],
  [12, "Mg3+2", 3.021, 0.111],
  [13, "Al3", 4.499, 0.505],
  [14, "Si3", 4.295, 0.402],
  [15, "P_3+3", 4.147, 0.305],
  [16, "S_3+2", 4.035, 0.274],
  [17, "Cl", 3.947, 0.227],
  [18, "Ar4+4", 3.868, 0.185],
  [19, "K_", 3.812, 0.035],
  [20, "Ca6+2", 3.399, 0.238],
  [21, "Sc3+3", 3.295, 0.019],
  [22, "Ti3+4", 3.175, 0.017],
  [23, "V_3+5", 3.144, 0.016],
  [24, "Cr6+3", 3.023, 0.015],
  [25, "Mn6+2", 2.961, 0.013],
  [26, "Fe3+2", 2.912, 0.013],
  [27, "Co6+3", 2.872, 0.014],
  [28, "Ni4+2", 2.834, 0.015],
  [29, "Cu3+1", 3.495, 5e-3],
  [30, "Zn3+2", 2.763, 0.124],
  [31, "Ga3+3", 4.383, 0.415],
  [32, "Ge3", 4.28, 0.379],
  [33, "As3+3", 4.23, 0.309],
  [34, "Se3+2", 4.205, 0.291],
  [35, "Br", 4.189, 0.251],
  [36, "Kr4+4", 4.141, 0.22],
  [37, "Rb", 4.114, 0.04],
  [38, "Sr6+2", 3.641, 0.235],
  [39, "Y_3+3", 3.345, 0.072],
  [40, "Zr3+4", 3.124, 0.069],
  [41, "Nb3+5", 3.165, 0.059],
  [42, "Mo6+6", 3.052, 0.056],
  [43, "Tc6+5", 2.998, 0.048],
  [44, "Ru6+2", 2.963, 0.056],
  [45, "Rh6+3", 2.929, 0.053],
  [46, "Pd4+2", 2.899, 0.048],
  [47, "Ag1+1", 3.148, 0.036],
  [48, "Cd3+2", 2.848, 0.228],
  [49, "In3+3", 4.463, 0.599],
  [50, "Sn3", 4.392, 0.567],
  [51, "Sb3+3", 4.42, 0.449],
  [52, "Te3+2", 4.47, 0.398],
  [53, "I_", 4.5, 0.339],
  [54, "Xe4+4", 4.404, 0.332],
  [55, "Cs", 4.517, 0.045],
  [56, "Ba6+2", 3.703, 0.364],
  [57, "La3+3", 3.522, 0.017],
  [58, "Ce6+3", 3.556, 0.013],
  [59, "Pr6+3", 3.606, 0.01],
  [60, "Nd6+3", 3.575, 0.01],
  [61, "Pm6+3", 3.547, 9e-3],
  [62, "Sm6+3", 3.52, 8e-3],
  [63, "Eu6+3", 3.493, 8e-3],
  [64, "Gd6+3", 3.368, 9e-3],
  [65, "Tb6+3", 3.451, 7e-3],
  [66, "Dy6+3", 3.428, 7e-3],
  [67, "Ho6+3", 3.409, 7e-3],
  [68, "Er6+3", 3.391, 7e-3],
  [69, "Tm6+3", 3.374, 6e-3],
  [70, "Yb6+3", 3.355, 0.228],
  [71, "Lu6+3", 3.64, 0.041],
  [72, "Hf3+4", 3.141, 0.072],
  [73, "Ta3+5", 3.17, 0.081],
  [74, "W_6+6", 3.069, 0.067],
  [75, "Re6+5", 2.954, 0.066],
  [76, "Os6+6", 3.12, 0.037],
  [77, "Ir6+3", 2.84, 0.073],
  [78, "Pt4+2", 2.754, 0.08],
  [79, "Au4+3", 3.293, 0.039],
  [80, "Hg1+2", 2.705, 0.385],
  [81, "Tl3+3", 4.347, 0.68],
  [82, "Pb3", 4.297, 0.663],
  [83, "Bi3+3", 4.37, 0.518],
  [84, "Po3+2", 4.709, 0.325],
  [85, "At", 4.75, 0.284],
  [86, "Rn4+4", 4.765, 0.248],
  [87, "Fr", 4.9, 0.05],
  [88, "Ra6+2", 3.677, 0.404],
  [89, "Ac6+3", 3.478, 0.033],
  [90, "Th6+4", 3.396, 0.026],
  [91, "Pa6+4", 3.424, 0.022],
  [92, "U_6+4", 3.395, 0.022],
  [93, "Np6+4", 3.424, 0.019],
  [94, "Pu6+4", 3.424, 0.016],
  [95, "Am6+4", 3.381, 0.014],
  [96, "Cm6+3", 3.326, 0.013],
  [97, "Bk6+3", 3.339, 0.013],
  [98, "Cf6+3", 3.313, 0.013],
  [99, "Es6+3", 3.299, 0.012],
  [100, "Fm6+3", 3.286, 0.012],
  [101, "Md6+3", 3.274, 0.011],
  [102, "No6+3", 3.248, 0.011],
  [103, "Lw6+3", 3.236, 0.011]
];
var KCAL_PER_MOL_IN_EV = 4.184 / 96.485332;

// ../../work/main/src/compute/ff/model.ts
var FF_MODELS = ["uff", "d2"];
var FFParameterError = class extends Error {
};
function uff(z) {
  const row = UFF_LJ[z - 1];
  if (!row) throw new FFParameterError(`UFF has no van der Waals parameters for Z = ${z} (it covers Z = 1..103)`);
  return row;
}
function d2(z) {
  const row = D2_C6_R0[z - 1];
  if (!row) throw new FFParameterError(`D2 has no dispersion parameters for Z = ${z} (it covers Z = 1..86); use --model uff`);
  return row;
}
function pairTable(numbers, model) {
  if (model !== "uff" && model !== "d2") throw new FFParameterError(`unknown force-field model "${model}" (known: ${FF_MODELS.join(", ")})`);
  const species = [...new Set(numbers)].sort((a, b2) => a - b2);
  const index = new Int16Array(256).fill(-1);
  species.forEach((z, k) => index[z] = k);
  const n = species.length;
  const p = new Float64Array(4 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = uff(species[i]), b2 = uff(species[j]);
      const x = Math.sqrt(a[2] * b2[2]);
      const depth = Math.sqrt(a[3] * b2[3]) * KCAL_PER_MOL_IN_EV;
      const k = 4 * (i * n + j);
      p[k] = depth * x ** 12;
      if (model === "uff") p[k + 1] = 2 * depth * x ** 6;
      else {
        const [c6i, r0i] = d2(species[i]), [c6j, r0j] = d2(species[j]);
        p[k + 1] = D2_S6_PBE * Math.sqrt(c6i * c6j) * JNM6_PER_MOL_IN_EV_A6;
        p[k + 2] = r0i + r0j;
        p[k + 3] = D2_DAMPING;
      }
    }
  return { index, n, p };
}
function pairEnergy(a, c, r0, d, r) {
  const ir6 = 1 / r ** 6;
  const rep = a * ir6 * ir6;
  if (d === 0) return [rep - c * ir6, (-12 * rep + 6 * c * ir6) / r];
  const f = 1 / (1 + Math.exp(-d * (r / r0 - 1)));
  const df = d / r0 * f * (1 - f);
  return [rep - c * ir6 * f, (-12 * rep + 6 * c * ir6 * f) / r - c * ir6 * df];
}

// ../../work/main/src/compute/ff/ff-wgsl.ts
var FF_WGSL = (
  /* wgsl */
  `
struct Params {
  n: u32,
  nconf: u32,
  moved: u32,
  nspec: u32,
  na: i32,
  nb: i32,
  cutoff: f32,
  _pad: f32,
  ab: vec4<f32>, // ax, ay, bx, by (\xC5)
};

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> pos: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> atomMeta: array<u32>;
@group(0) @binding(3) var<storage, read> pp: array<f32>;
@group(0) @binding(4) var<storage, read> shifts: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;

// Energy (eV) and dE/dr (eV/\xC5) of one pair at r, force-shifted at the cutoff.
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
        f += (t.y / r) * d; // F_i = E'(r) d / r with d = r_j \u2212 r_i
      }
    }
  }
  out[i] = vec4<f32>(f, e);
}
`
);

// ../../work/main/src/compute/ff/webgpu.ts
var pipelines = /* @__PURE__ */ new WeakMap();
function pipelinesFor(device2) {
  let p = pipelines.get(device2);
  if (p) return p;
  const module = device2.createShaderModule({ code: FF_WGSL, label: "heterolab force field" });
  const storage = (binding, type) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const layout = device2.createBindGroupLayout({
    entries: [storage(0, "uniform"), storage(1, "read-only-storage"), storage(2, "read-only-storage"), storage(3, "read-only-storage"), storage(4, "read-only-storage"), storage(5, "storage")]
  });
  const pl = device2.createPipelineLayout({ bindGroupLayouts: [layout] });
  p = {
    layout,
    energies: device2.createComputePipeline({ layout: pl, compute: { module, entryPoint: "energies" } }),
    energyForces: device2.createComputePipeline({ layout: pl, compute: { module, entryPoint: "energyForces" } })
  };
  pipelines.set(device2, p);
  return p;
}
var BufferPool = class {
  constructor(device2) {
    this.device = device2;
  }
  device;
  free = /* @__PURE__ */ new Map();
  take(size, usage) {
    const cls = Math.max(256, 2 ** Math.ceil(Math.log2(size)));
    const key = `${usage}:${cls}`;
    return this.free.get(key)?.pop() ?? this.device.createBuffer({ size: cls, usage });
  }
  give(b2, usage) {
    const key = `${usage}:${b2.size}`;
    const list = this.free.get(key) ?? [];
    list.push(b2);
    this.free.set(key, list);
  }
  destroy() {
    for (const l of this.free.values()) for (const b2 of l) b2.destroy();
    this.free.clear();
  }
};
var STORAGE = 128 | 8;
var UNIFORM = 64 | 8;
var OUT = 128 | 4;
var READ = 1 | 8;
function pack(sys2, p, shiftSpan) {
  const n = sys2.numbers.length;
  const t = pairTable(sys2.numbers, p.model);
  const c = sys2.cell;
  const det = c[0] * c[4] - c[1] * c[3];
  const ha = Math.abs(det) / Math.hypot(c[3], c[4]);
  const hb = Math.abs(det) / Math.hypot(c[0], c[1]);
  const pos = new Float32Array(4 * n);
  const meta = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const x = sys2.positions[3 * i], y = sys2.positions[3 * i + 1];
    const fu = Math.floor((x * c[4] - y * c[3]) / det), fv = Math.floor((c[0] * y - c[1] * x) / det);
    pos[4 * i] = x - fu * c[0] - fv * c[3];
    pos[4 * i + 1] = y - fu * c[1] - fv * c[4];
    pos[4 * i + 2] = sys2.positions[3 * i + 2];
    meta[i] = sys2.group[i] | t.index[sys2.numbers[i]] << 8;
  }
  const pp = new Float32Array(8 * t.n * t.n);
  for (let k = 0; k < t.n * t.n; k++) {
    const [a, cc, r0, d] = [t.p[4 * k], t.p[4 * k + 1], t.p[4 * k + 2], t.p[4 * k + 3]];
    const [ec, fc] = pairEnergy(a, cc, r0, d, p.cutoff);
    pp.set([a, cc, r0, d, ec, fc, 0, 0], 8 * k);
  }
  const na = Math.ceil(p.cutoff / ha) + 1 + Math.ceil(shiftSpan[0]);
  const nb = Math.ceil(p.cutoff / hb) + 1 + Math.ceil(shiftSpan[1]);
  const params = new ArrayBuffer(48);
  const u = new Uint32Array(params), iv = new Int32Array(params), f = new Float32Array(params);
  u[0] = n;
  u[3] = t.n;
  iv[4] = na;
  iv[5] = nb;
  f[6] = p.cutoff;
  f.set([c[0], c[1], c[3], c[4]], 8);
  return { n, pos, meta, pp, params, u };
}
var WebGPUUnavailable = class extends Error {
};
async function requestDevice(gpu2) {
  if (!gpu2) throw new WebGPUUnavailable("this environment has no WebGPU (navigator.gpu is missing)");
  const adapter2 = await gpu2.requestAdapter();
  if (!adapter2) throw new WebGPUUnavailable("WebGPU is present but no adapter is available");
  const info = adapter2.info;
  const device2 = await adapter2.requestDevice();
  return { device: device2, adapter: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "unknown adapter" };
}
function webgpuBackend(device2) {
  const pl = pipelinesFor(device2);
  const pool = new BufferPool(device2);
  let lostReason = null;
  const lost = device2.lost.then((info) => lostReason = `WebGPU device lost (${info.reason ?? "unknown"}): ${info.message}`);
  async function run(entry, k, shifts, nconf, outLen) {
    if (lostReason) throw new WebGPUUnavailable(lostReason);
    const upload = (data, usage) => {
      const b2 = pool.take(Math.max(16, data.byteLength), usage);
      device2.queue.writeBuffer(b2, 0, data.buffer, data.byteOffset, data.byteLength);
      return [b2, usage];
    };
    const bufs = [upload(new Uint8Array(k.params), UNIFORM), upload(k.pos, STORAGE), upload(k.meta, STORAGE), upload(k.pp, STORAGE), upload(shifts, STORAGE)];
    const outBytes = 16 * outLen;
    const out = pool.take(outBytes, OUT);
    const read = pool.take(outBytes, READ);
    const bind = device2.createBindGroup({
      layout: pl.layout,
      entries: [...bufs.map(([b2], i) => ({ binding: i, resource: { buffer: b2 } })), { binding: 5, resource: { buffer: out } }]
    });
    const enc = device2.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(entry === "energies" ? pl.energies : pl.energyForces);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(k.n / 64), nconf);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    device2.queue.submit([enc.finish()]);
    await read.mapAsync(1, 0, outBytes);
    const result = new Float32Array(read.getMappedRange(0, outBytes).slice(0));
    read.unmap();
    for (const [b2, usage] of bufs) pool.give(b2, usage);
    pool.give(out, OUT);
    pool.give(read, READ);
    return result;
  }
  return {
    kind: "webgpu",
    device: device2,
    lost,
    async energyForces(sys2, p) {
      const k = pack(sys2, p, [0, 0]);
      k.u[1] = 1;
      k.u[2] = 256;
      const r = await run("energyForces", k, new Float32Array(4), 1, k.n);
      const forces = new Float64Array(3 * k.n);
      let energy = 0;
      for (let i = 0; i < k.n; i++) {
        forces[3 * i] = r[4 * i];
        forces[3 * i + 1] = r[4 * i + 1];
        forces[3 * i + 2] = r[4 * i + 2];
        energy += r[4 * i + 3];
      }
      const e = await run("energies", { ...k }, new Float32Array(4), 1, k.n);
      let pairs = 0;
      for (let i = 0; i < k.n; i++) pairs += e[4 * i + 1];
      return { energy, forces, pairs };
    },
    async energiesForShifts(sys2, group, shifts, p) {
      const m = shifts.length / 3;
      const c = sys2.cell;
      const det = c[0] * c[4] - c[1] * c[3];
      let su = 0, sv = 0;
      const sh = new Float32Array(4 * m);
      for (let q = 0; q < m; q++) {
        const dx = shifts[3 * q], dy = shifts[3 * q + 1];
        su = Math.max(su, Math.abs((dx * c[4] - dy * c[3]) / det));
        sv = Math.max(sv, Math.abs((c[0] * dy - c[1] * dx) / det));
        sh.set([dx, dy, shifts[3 * q + 2], 0], 4 * q);
      }
      const k = pack(sys2, p, [su, sv]);
      k.u[2] = group;
      const out = new Float64Array(m);
      const perBatch = Math.max(1, Math.min(65535, Math.floor(4e6 / Math.max(1, k.n))));
      for (let q0 = 0; q0 < m; q0 += perBatch) {
        const nq = Math.min(perBatch, m - q0);
        k.u[1] = nq;
        const r = await run("energies", k, sh.subarray(4 * q0, 4 * (q0 + nq)), nq, nq * k.n);
        for (let q = 0; q < nq; q++) {
          let e = 0;
          for (let i = 0; i < k.n; i++) e += r[4 * (q * k.n + i)];
          out[q0 + q] = e;
        }
      }
      return out;
    },
    destroy() {
      pool.destroy();
      device2.destroy();
    }
  };
}

// ../../work/main/src/compute/ff/cpu.ts
function imageRanges(cell, cutoff, span) {
  const ax = cell[0], ay = cell[1], bx = cell[3], by = cell[4];
  const area = Math.abs(ax * by - ay * bx);
  const ha = area / Math.hypot(bx, by);
  const hb = area / Math.hypot(ax, ay);
  return [Math.ceil((cutoff + span) / ha), Math.ceil((cutoff + span) / hb)];
}
function inPlaneSpan(positions) {
  let minx = Infinity, maxx = -Infinity, miny = Infinity, maxy = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    minx = Math.min(minx, positions[i]);
    maxx = Math.max(maxx, positions[i]);
    miny = Math.min(miny, positions[i + 1]);
    maxy = Math.max(maxy, positions[i + 1]);
  }
  return Math.hypot(maxx - minx, maxy - miny);
}
function energyForces(sys2, p) {
  const n = sys2.numbers.length;
  const t = pairTable(sys2.numbers, p.model);
  const rc = p.cutoff;
  const forces = new Float64Array(3 * n);
  const [na, nb] = imageRanges(sys2.cell, rc, inPlaneSpan(sys2.positions));
  const c = sys2.cell;
  let energy = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (sys2.group[i] <= sys2.group[j]) continue;
      const k = t.index[sys2.numbers[i]] * t.n + t.index[sys2.numbers[j]];
      const A = t.p[4 * k], C = t.p[4 * k + 1], R0 = t.p[4 * k + 2], D = t.p[4 * k + 3];
      const [eC, fC] = pairEnergy(A, C, R0, D, rc);
      for (let ia = -na; ia <= na; ia++)
        for (let ib = -nb; ib <= nb; ib++) {
          const dx = sys2.positions[3 * j] + ia * c[0] + ib * c[3] - sys2.positions[3 * i];
          const dy = sys2.positions[3 * j + 1] + ia * c[1] + ib * c[4] - sys2.positions[3 * i + 1];
          const dz = sys2.positions[3 * j + 2] - sys2.positions[3 * i + 2];
          const r = Math.hypot(dx, dy, dz);
          if (r >= rc) continue;
          const [e, de] = pairEnergy(A, C, R0, D, r);
          energy += e - eC - (r - rc) * fC;
          const g = (de - fC) / r;
          forces[3 * i] += g * dx;
          forces[3 * i + 1] += g * dy;
          forces[3 * i + 2] += g * dz;
          forces[3 * j] -= g * dx;
          forces[3 * j + 1] -= g * dy;
          forces[3 * j + 2] -= g * dz;
          pairs++;
        }
    }
  }
  return { energy, forces, pairs };
}

// ../../work/main/src/compute/ff/ops.ts
function shifted(sys2, group, dx, dy, dz) {
  const positions = sys2.positions.slice();
  for (let i = 0; i < sys2.numbers.length; i++)
    if (sys2.group[i] === group) {
      positions[3 * i] += dx;
      positions[3 * i + 1] += dy;
      positions[3 * i + 2] += dz;
    }
  return { ...sys2, positions };
}
function cpuBackend(ef) {
  return {
    kind: "cpu",
    energyForces: async (sys2, p) => ef(sys2, p),
    async energiesForShifts(sys2, group, shifts, p) {
      const out = new Float64Array(shifts.length / 3);
      for (let k = 0; k < out.length; k++) out[k] = ef(shifted(sys2, group, shifts[3 * k], shifts[3 * k + 1], shifts[3 * k + 2]), p).energy;
      return out;
    }
  };
}

// try.ts
Object.assign(globalThis, globals);
var gpu = create([]);
globalThis.__gpu = gpu;
var { device, adapter } = await requestDevice(gpu);
console.log("adapter", adapter);
var b = webgpuBackend(device);
var hex = (a) => Float64Array.from([a, 0, 0, -a / 2, a * Math.sqrt(3) / 2, 0, 0, 0, 30]);
var sys = { cell: hex(2.6), positions: Float64Array.from([0, 0, 5, 1.3, 0.75, 3.2, 0.5, 0.5, 8.2, 1.6, 1.7, 8.6]), numbers: Uint8Array.from([79, 79, 6, 16]), group: Uint8Array.from([0, 0, 1, 1]) };
for (const model of ["uff", "d2"]) {
  const P = { model, cutoff: 12 };
  const ref = energyForces(sys, P);
  for (let rep = 0; rep < 3; rep++) {
    const r = await b.energyForces(sys, P);
    console.log(model, rep, ref.energy, r.energy, ref.pairs, r.pairs, ref.forces[8], r.forces[8]);
  }
  const sh = Float64Array.from([0, 0, 0, 0.3, 0.1, 0.2, 1, 1, -0.5]);
  console.log(await cpuBackend(energyForces).energiesForShifts(sys, 1, sh, P), await b.energiesForShifts(sys, 1, sh, P));
}
b.destroy();
console.log("done");
