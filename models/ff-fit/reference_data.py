"""Published physisorption geometries and energies the `fit` model is fitted to and checked against.

Each entry: what the system is, the value (z in Å: film bottom plane − substrate top plane, as heterolab defines
z-separation; exfoliation energies in meV/Å²), its uncertainty or the tolerance we fit it to, and the source.
"verified here" marks values whose number we re-read in a source through the project's search tool; the rest
are the published table values as we know them and should be checked against the paper before relying on them
for anything but this fit.
"""

# Graphene on close-packed metal surfaces (z = graphene plane − top metal plane, Å).
GRAPHENE_ON_METAL = [
    {"metal": "Ir", "z": 3.38, "sigma": 0.04, "kind": "experiment",
     "source": "C. Busse et al., PRL 107, 036101 (2011), X-ray standing waves: 3.38 ± 0.04 Å; the same mean "
               "distance from surface X-ray diffraction, F. Jean et al., PRB 91, 245424 (2015) "
               "(arXiv:1506.07492) (verified here)"},
    {"metal": "Pt", "z": 3.30, "sigma": 0.10, "kind": "DFT-LDA",
     "source": "G. Giovannetti et al., PRL 101, 026803 (2008), Table I (equilibrium separation, LDA)"},
    {"metal": "Cu", "z": 3.26, "sigma": 0.10, "kind": "DFT-LDA",
     "source": "Giovannetti et al. (2008), Table I"},
    {"metal": "Ag", "z": 3.33, "sigma": 0.10, "kind": "DFT-LDA",
     "source": "Giovannetti et al. (2008), Table I"},
    {"metal": "Au", "z": 3.31, "sigma": 0.10, "kind": "DFT-LDA",
     "source": "Giovannetti et al. (2008), Table I"},
]

# fcc lattice constants (Å) of the metals above at room temperature (Kittel, Introduction to Solid State
# Physics, 8th ed., Table 1.3 / the CRC Handbook): used to build the (111) slabs.
FCC_A = {"Ir": 3.839, "Pt": 3.924, "Cu": 3.615, "Ag": 4.086, "Au": 4.078}
GRAPHENE_A = 2.464  # Å, in-plane lattice constant of graphite (Trucano & Chen, Nature 258, 136 (1975))

# Layered bulk crystals (the same numbers as test/fixtures/make_fixtures.py): the top layer of a 4-layer stack is
# the film; its z target is the bulk's own interlayer gap.
LAYERED = [
    {"name": "graphite", "a": 2.464, "c": 6.711, "kind": "experiment",
     "source": "P. Trucano, R. Chen, Nature 258, 136 (1975): a = 2.464, c = 6.711 Å (c/2 = 3.355 Å)",
     "exfoliation_meV_A2": 18.32, "exfoliation_source": "T. Björkman et al., PRL 108, 235502 (2012), RPA; "
     "'~20 meV/Å² for most layered compounds' verified here, the per-compound value from the paper's table"},
    {"name": "h-BN", "a": 2.504, "c": 6.661, "kind": "experiment",
     "source": "R. S. Pease, Acta Cryst. 5, 356 (1952): a = 2.504, c = 6.661 Å (c/2 = 3.33 Å)",
     "exfoliation_meV_A2": 14.49, "exfoliation_source": "Björkman et al. (2012), RPA (table value)"},
    {"name": "MoS2", "a": 3.160, "c": 12.294, "zS": 0.621, "kind": "experiment",
     "source": "2H-MoS2, P6_3/mmc, Mo 2c, S 4f with z_S = 0.621: a = 3.160, c = 12.294 Å (J. A. Wilson, A. D. "
               "Yoffe, Adv. Phys. 18, 193 (1969)); S–S gap across the vdW gap = c (2 z_S − 1) = 2.975 Å",
     "exfoliation_meV_A2": 20.53, "exfoliation_source": "Björkman et al. (2012), RPA (table value)"},
]

# Graphene on h-BN, 1×1 with graphene strained to h-BN's lattice (C over B and over the hexagon centre, the
# lowest-energy stacking found by Giovannetti et al., PRB 76, 073103 (2007)). No direct measurement of the
# spacing is in our sources; the target is the measured interlayer spacing of the two parents (graphite 3.355,
# h-BN 3.33 Å, above), a proxy stated as such.
HBN_GRAPHENE = {"z": 3.34, "sigma": 0.05, "kind": "proxy (parents' bulk spacings)",
                "source": "between graphite c/2 = 3.355 Å (Trucano & Chen 1975) and h-BN c/2 = 3.33 Å (Pease 1952)"}
