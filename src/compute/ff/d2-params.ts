/**
 * Grimme D2 dispersion parameters per element: C6 (J nm^6 mol^-1) and the van der Waals radius R0 (Å).
 *
 * - Z = 1..54 (H–Xe): S. Grimme, "Semiempirical GGA-type density functional constructed with a long-range
 *   dispersion correction", J. Comput. Chem. 27 (2006) 1787, Table 1. Transition metals of a row share one
 *   value there, as they do here.
 * - Z = 55..86 (Cs–Rn): not in Grimme (2006). These are the values VASP (vdwforcefield.F, 5.x) and Quantum
 *   ESPRESSO (mm_dispersion.f90) ship as defaults for the heavy elements; they have no separate primary
 *   publication, so treat them as a community convention. VASP's wiki states its own defaults stop at Xe;
 *   we use the extension because the metals users care about (Hf, Ta, W, Re, Ir, Pt, Au, Pb) sit there.
 * - Global constants for PBE: s6 = 0.75, damping steepness d = 20 (Grimme 2006).
 *
 * Damped pair dispersion: E_disp(r) = −s6 · C6_ij / r^6 · f(r), f(r) = 1 / (1 + exp(−d (r / R0_ij − 1))),
 * with C6_ij = √(C6_i C6_j) and R0_ij = R0_i + R0_j.
 */
export const D2_S6_PBE = 0.75;
export const D2_DAMPING = 20;
/** 1 J nm^6 mol^-1 in eV Å^6: 1e6 Å^6 × (1 / 96485.33212 eV per J/mol). */
export const JNM6_PER_MOL_IN_EV_A6 = 1e6 / 96485.33212;

/** [C6 (J nm^6 mol^-1), R0 (Å)] for Z = 1..86, index Z − 1. */
export const D2_C6_R0: ReadonlyArray<readonly [c6: number, r0: number]> = [
  [0.14, 1.001], [0.08, 1.012],
  [1.61, 0.825], [1.61, 1.408], [3.13, 1.485], [1.75, 1.452], [1.23, 1.397], [0.7, 1.342], [0.75, 1.287], [0.63, 1.243],
  [5.71, 1.144], [5.71, 1.364], [10.79, 1.639], [9.23, 1.716], [7.84, 1.705], [5.57, 1.683], [5.07, 1.639], [4.61, 1.595],
  // K, Ca, Sc–Zn (10.80, 1.562), Ga–Kr
  [10.8, 1.485], [10.8, 1.474],
  [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562], [10.8, 1.562],
  [16.99, 1.65], [17.1, 1.727], [16.37, 1.76], [12.64, 1.771], [12.47, 1.749], [12.01, 1.727],
  // Rb, Sr, Y–Cd (24.67, 1.639), In–Xe
  [24.67, 1.628], [24.67, 1.606],
  [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639], [24.67, 1.639],
  [37.32, 1.672], [38.71, 1.804], [38.44, 1.881], [31.74, 1.892], [31.5, 1.892], [29.99, 1.881],
  // Cs–Rn: community extension (see above). Cs, Ba, La, Ce–Lu, Hf, Ta–Au, Hg, Tl–Rn
  [315.275, 1.802], [226.994, 1.762], [176.252, 1.72],
  [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753],
  [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753], [140.68, 1.753],
  [105.112, 1.788],
  [81.24, 1.772], [81.24, 1.772], [81.24, 1.772], [81.24, 1.772], [81.24, 1.772], [81.24, 1.772], [81.24, 1.772],
  [57.364, 1.758], [57.254, 1.989], [63.162, 1.944], [63.54, 1.898], [55.283, 2.005], [57.171, 1.991], [56.64, 1.924],
];
