/**
 * Experimental work functions (eV) of elemental metals, polycrystalline surfaces: the preferred values of
 * H. B. Michaelson, "The work function of the elements and its periodicity", J. Appl. Phys. 48 (1977) 4729,
 * doi:10.1063/1.323539 (also the polycrystalline entries of the CRC Handbook's table "Electron work function of
 * the elements"). Facet-resolved values exist only for some metals and facets; one value per element keeps the
 * feature defined for every substrate, so the feature is the polycrystalline value whatever the facet.
 * Elements not listed give NaN and a "missing" note (the domain check reports it).
 */
export const WORK_FUNCTION_EV: Readonly<Record<string, number>> = {
  Li: 2.9, Be: 4.98, Na: 2.75, Mg: 3.66, Al: 4.28, K: 2.3, Ca: 2.87, Sc: 3.5, Ti: 4.33, V: 4.3, Cr: 4.5, Mn: 4.1,
  Fe: 4.5, Co: 5.0, Ni: 5.15, Cu: 4.65, Zn: 4.33, Ga: 4.2, Sr: 2.59, Y: 3.1, Zr: 4.05, Nb: 4.3, Mo: 4.6, Ru: 4.71,
  Rh: 4.98, Pd: 5.12, Ag: 4.26, Cd: 4.22, In: 4.12, Sn: 4.42, Te: 4.95, Ba: 2.7, La: 3.5, Nd: 3.2, Gd: 3.1,
  Hf: 3.9, Ta: 4.25, W: 4.55, Re: 4.96, Os: 4.83, Ir: 5.27, Pt: 5.65, Au: 5.1, Pb: 4.25, Bi: 4.22,
};

/** kJ/mol → eV per atom (CODATA 2018: 1 eV = 96.485 332 kJ/mol). */
export const KJ_PER_MOL_PER_EV = 96.485332;
