/**
 * Experimental work functions (eV) of elemental metals, polycrystalline surfaces: the preferred values of
 * H. B. Michaelson, "The work function of the elements and its periodicity", J. Appl. Phys. 48 (1977) 4729,
 * doi:10.1063/1.323539 (also the polycrystalline entries of the CRC Handbook's table "Electron work function of
 * the elements"). Facet-resolved values (FACET_WORK_FUNCTION_EV) replace them where known; otherwise the
 * feature is the polycrystalline value whatever the facet, which keeps it defined for every substrate.
 * Elements not listed give NaN and a "missing" note (the domain check reports it).
 */
export const WORK_FUNCTION_EV: Readonly<Record<string, number>> = {
  Li: 2.9, Be: 4.98, Na: 2.75, Mg: 3.66, Al: 4.28, K: 2.3, Ca: 2.87, Sc: 3.5, Ti: 4.33, V: 4.3, Cr: 4.5, Mn: 4.1,
  Fe: 4.5, Co: 5.0, Ni: 5.15, Cu: 4.65, Zn: 4.33, Ga: 4.2, Sr: 2.59, Y: 3.1, Zr: 4.05, Nb: 4.3, Mo: 4.6, Ru: 4.71,
  Rh: 4.98, Pd: 5.12, Ag: 4.26, Cd: 4.22, In: 4.12, Sn: 4.42, Te: 4.95, Ba: 2.7, La: 3.5, Nd: 3.2, Gd: 3.1,
  Hf: 3.9, Ta: 4.25, W: 4.55, Re: 4.96, Os: 4.83, Ir: 5.27, Pt: 5.65, Au: 5.1, Pb: 4.25, Bi: 4.22,
};

/**
 * Facet-resolved experimental work functions (eV) of clean single-crystal faces, used in place of the
 * polycrystalline value when the substrate is that element and its top face is that facet (the facet is read from
 * the slab's geometry: fcc top-atom coordination 9 = (111), 8 = (100), 7 = (110); FACET_OF in features.ts).
 * Only values whose source was read here are listed (title, year and numbers read on the page named; authors
 * and journal as usually cited, not checked here):
 *  - Cu: "Photoelectric work function of a copper single crystal for the (100), (110), (111), and (112) faces"
 *    (1972; P. O. Gartland, S. Berge, B. J. Slagsvold, Phys. Rev. Lett. 28, 738): Fowler method, ±0.03 eV.
 *    Read at preview.concepedia.online/publication/W2017775458.
 *  - Ag: "Work function measurements on (110), (100) and (111) surfaces of silver" (M. Chelvayohan, C. H. B. Mee,
 *    J. Phys. C 15 (1982) 2305): photoelectric, ±0.02–0.04 eV, after removing the sulphur contamination that
 *    raises the value by tenths of an eV (the CRC Handbook's Ag(111) 4.74 eV is the older, higher value).
 *    Read at scilit.com/publications/851120f54972a4a1f1870f240a4d4598.
 * Not verified here, so not shipped (the polycrystalline value stands in): H. B. Michaelson's (1977) facet entries
 * and G. N. Derry, M. E. Kern, E. H. Worth, J. Vac. Sci. Technol. A 33 (2015) 060801 recommended values (Ag, Al,
 * Au, Cu, Fe, Ir, Mo, Nb, Ni, Pd, Pt, Rh, Ru, Ta, W): their tables could not be read from here. W(110) was
 * looked up and dropped: the field-emission values found (5.7–8.8 eV, Müller 1955; Young & Clark 1966) disagree.
 */
export const FACET_WORK_FUNCTION_EV: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  Cu: { '100': 4.59, '110': 4.48, '111': 4.94 },
  Ag: { '100': 4.22, '110': 4.14, '111': 4.46 },
};

/** kJ/mol → eV per atom (CODATA 2018: 1 eV = 96.485 332 kJ/mol). */
export const KJ_PER_MOL_PER_EV = 96.485332;
