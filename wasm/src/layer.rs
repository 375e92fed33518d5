//! 2D layers: bonded components of a structure (covalent radii × BOND_SCALE, periodic images) whose
//! translational periodicity has rank 2. Works for a monolayer with vacuum along any axis and for layered
//! bulk (MoS2, graphite), where the first layer is extracted. The layer is returned in the standard
//! orientation: a along x, b in the xy plane, normal along +z, centred in a cell with vacuum.

/// Two atoms are bonded when closer than this factor times the sum of their covalent radii.
pub const BOND_SCALE: f64 = 1.2;
/// Atoms within this height (Å) of the lowest (highest) atom form the bottom (top) face.
pub const FACE_TOL: f64 = 0.3;

#[derive(Debug, Clone)]
pub struct Layer {
    pub cell: [f64; 9],
    pub positions: Vec<f64>,
    pub numbers: Vec<u8>,
    /// Index of each atom in the input structure.
    pub source: Vec<u32>,
    pub thickness: f64,
    /// Periodicity rank of every bonded component (how many layers / chains / 3D networks the file holds).
    pub component_ranks: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum LayerError {
    NoAtoms,
    SingularCell,
    TooManyAtoms,
    /// No component is periodic in exactly two directions; the value is the highest rank found.
    NotLayered(u8),
}

fn find(parent: &mut [usize], off: &mut [[i64; 3]], i: usize) -> usize {
    // Path compression with offset accumulation: off[i] is i's image relative to parent[i]'s frame.
    let mut path = Vec::new();
    let mut x = i;
    while parent[x] != x {
        path.push(x);
        x = parent[x];
    }
    let root = x;
    // Accumulate from the node nearest the root outwards.
    for &node in path.iter().rev() {
        let p = parent[node];
        if p != root {
            for k in 0..3 {
                off[node][k] += off[p][k];
            }
        }
        parent[node] = root;
    }
    root
}

/// Rank and a basis (rows, integer) of the lattice spanned by integer vectors (Hermite-style elimination).
fn lattice_basis(vs: &[[i64; 3]]) -> Vec<[i64; 3]> {
    let mut rows: Vec<[i64; 3]> = vs.iter().cloned().filter(|v| v.iter().any(|&x| x != 0)).collect();
    let mut basis = Vec::new();
    for col in 0..3 {
        loop {
            // Rows with a nonzero entry in this column.
            let nz: Vec<usize> = (0..rows.len()).filter(|&r| rows[r][col] != 0).collect();
            if nz.len() <= 1 {
                if let Some(&r) = nz.first() {
                    basis.push(rows.remove(r));
                }
                break;
            }
            let p = *nz.iter().min_by_key(|&&r| rows[r][col].abs()).unwrap();
            let pr = rows[p];
            for &r in nz.iter() {
                if r != p {
                    let f = rows[r][col] / pr[col];
                    for k in 0..3 {
                        rows[r][k] -= f * pr[k];
                    }
                }
            }
            rows.retain(|v| v.iter().any(|&x| x != 0));
        }
    }
    basis
}

fn cart(cell: &[f64], f: [f64; 3]) -> [f64; 3] {
    let mut r = [0.0; 3];
    for k in 0..3 {
        r[k] = f[0] * cell[k] + f[1] * cell[3 + k] + f[2] * cell[6 + k];
    }
    r
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// Finds the first 2D layer. `radii` are covalent radii (Å) per atom; `flip` turns the layer over so that
/// its top face becomes the bottom one (the face that will touch a substrate); `vacuum` in Å.
pub fn extract_layer(cell: &[f64], positions: &[f64], numbers: &[u8], radii: &[f64], pbc: [bool; 3], flip: bool, vacuum: f64) -> Result<Layer, LayerError> {
    let n = numbers.len();
    if n == 0 {
        return Err(LayerError::NoAtoms);
    }
    if n > 20_000 {
        return Err(LayerError::TooManyAtoms);
    }
    let a = [cell[0], cell[1], cell[2]];
    let b = [cell[3], cell[4], cell[5]];
    let c = [cell[6], cell[7], cell[8]];
    let vol = dot(a, cross(b, c));
    if !(vol.abs() > 1e-9) {
        return Err(LayerError::SingularCell);
    }
    let rmax = radii.iter().cloned().fold(0.0, f64::max);
    let cutoff = 2.0 * rmax * BOND_SCALE;
    let h = [vol.abs() / norm(cross(b, c)), vol.abs() / norm(cross(c, a)), vol.abs() / norm(cross(a, b))];
    let reach: Vec<i64> = (0..3).map(|k| if pbc[k] { (cutoff / h[k]).ceil() as i64 } else { 0 }).collect();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut off = vec![[0i64; 3]; n];
    let mut cycles: Vec<Vec<[i64; 3]>> = vec![Vec::new(); n];
    for i in 0..n {
        let pi = [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
        for j in i..n {
            let rc = BOND_SCALE * (radii[i] + radii[j]);
            let pj = [positions[3 * j], positions[3 * j + 1], positions[3 * j + 2]];
            for t0 in -reach[0]..=reach[0] {
                for t1 in -reach[1]..=reach[1] {
                    for t2 in -reach[2]..=reach[2] {
                        if i == j && t0 == 0 && t1 == 0 && t2 == 0 {
                            continue;
                        }
                        let s = cart(cell, [t0 as f64, t1 as f64, t2 as f64]);
                        let d = [pj[0] + s[0] - pi[0], pj[1] + s[1] - pi[1], pj[2] + s[2] - pi[2]];
                        if dot(d, d) >= rc * rc {
                            continue;
                        }
                        // Bond: atom j in image t, seen from atom i in image 0.
                        let ri = find(&mut parent, &mut off, i);
                        let rj = find(&mut parent, &mut off, j);
                        let oi = off[i];
                        let oj = off[j];
                        let t = [t0, t1, t2];
                        let want = [oi[0] + t[0] - oj[0], oi[1] + t[1] - oj[1], oi[2] + t[2] - oj[2]];
                        if ri == rj {
                            if want != [0, 0, 0] {
                                cycles[ri].push(want);
                            }
                        } else {
                            parent[rj] = ri;
                            off[rj] = want;
                            let moved = std::mem::take(&mut cycles[rj]);
                            cycles[ri].extend(moved);
                        }
                    }
                }
            }
        }
    }
    for i in 0..n {
        find(&mut parent, &mut off, i);
    }
    let mut roots: Vec<usize> = (0..n).filter(|&i| parent[i] == i).collect();
    roots.sort_unstable();
    let mut ranks = Vec::new();
    let mut chosen: Option<(usize, Vec<[i64; 3]>)> = None;
    for &r in roots.iter() {
        let basis = lattice_basis(&cycles[r]);
        ranks.push(basis.len() as u8);
        if basis.len() == 2 && chosen.is_none() {
            chosen = Some((r, basis));
        }
    }
    let (root, basis) = match chosen {
        Some(c) => c,
        None => return Err(LayerError::NotLayered(ranks.iter().cloned().max().unwrap_or(0))),
    };
    // Layer atoms, unwrapped into one connected piece.
    let members: Vec<usize> = (0..n).filter(|&i| parent[i] == root).collect();
    let mut pts: Vec<[f64; 3]> = members
        .iter()
        .map(|&i| {
            let s = cart(cell, [off[i][0] as f64, off[i][1] as f64, off[i][2] as f64]);
            [positions[3 * i] + s[0], positions[3 * i + 1] + s[1], positions[3 * i + 2] + s[2]]
        })
        .collect();
    let mut va = cart(cell, [basis[0][0] as f64, basis[0][1] as f64, basis[0][2] as f64]);
    let mut vb = cart(cell, [basis[1][0] as f64, basis[1][1] as f64, basis[1][2] as f64]);
    // Gauss-reduce in the plane, right-handed about the normal va × vb.
    for _ in 0..1000 {
        if dot(vb, vb) < dot(va, va) {
            std::mem::swap(&mut va, &mut vb);
        }
        let mu = (dot(va, vb) / dot(va, va)).round();
        if mu == 0.0 {
            break;
        }
        for k in 0..3 {
            vb[k] -= mu * va[k];
        }
    }
    // Keep the file's sense of up: the normal points along the cell vector that leaves the plane most
    // (its stacking or vacuum axis), so "bottom" means the face that is lower in the file.
    let nrm0 = cross(va, vb);
    let up = [a, b, c]
        .iter()
        .cloned()
        .max_by(|x, y| (dot(*x, nrm0).abs() / norm(*x)).partial_cmp(&(dot(*y, nrm0).abs() / norm(*y))).unwrap())
        .unwrap();
    if dot(nrm0, up) < 0.0 {
        std::mem::swap(&mut va, &mut vb);
    }
    let e1 = scale(va, 1.0 / norm(va));
    let nrm = cross(va, vb);
    let e3 = scale(nrm, 1.0 / norm(nrm));
    let e2 = cross(e3, e1);
    let rot = |v: [f64; 3]| [dot(e1, v), dot(e2, v), dot(e3, v)];
    let mut la = rot(va);
    let mut lb = rot(vb);
    for p in pts.iter_mut() {
        *p = rot(*p);
    }
    if flip {
        // 180° about x: z → −z, y → −y; then swap a, b to stay right-handed.
        for p in pts.iter_mut() {
            p[1] = -p[1];
            p[2] = -p[2];
        }
        la[1] = -la[1];
        lb[1] = -lb[1];
        std::mem::swap(&mut la, &mut lb);
        // Re-align a with x.
        let ang = la[1].atan2(la[0]);
        let (c0, s0) = (ang.cos(), ang.sin());
        let r2 = |v: [f64; 3]| [c0 * v[0] + s0 * v[1], -s0 * v[0] + c0 * v[1], v[2]];
        la = r2(la);
        lb = r2(lb);
        for p in pts.iter_mut() {
            *p = r2(*p);
        }
    }
    let zmin = pts.iter().map(|p| p[2]).fold(f64::INFINITY, f64::min);
    let zmax = pts.iter().map(|p| p[2]).fold(f64::NEG_INFINITY, f64::max);
    let thickness = zmax - zmin;
    let det = la[0] * lb[1] - la[1] * lb[0];
    let mut out = Vec::with_capacity(3 * pts.len());
    for p in pts.iter() {
        // Wrap in-plane into the layer cell; centre along z.
        let u = (p[0] * lb[1] - p[1] * lb[0]) / det;
        let v = (la[0] * p[1] - la[1] * p[0]) / det;
        let (u, v) = (u - u.floor(), v - v.floor());
        out.extend_from_slice(&[u * la[0] + v * lb[0], u * la[1] + v * lb[1], p[2] - zmin + 0.5 * vacuum]);
    }
    Ok(Layer {
        cell: [la[0], la[1], 0.0, lb[0], lb[1], 0.0, 0.0, 0.0, thickness + vacuum],
        positions: out,
        numbers: members.iter().map(|&i| numbers[i]).collect(),
        source: members.iter().map(|&i| i as u32).collect(),
        thickness,
        component_ranks: ranks,
    })
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}
fn scale(a: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Species (sorted, unique) of the atoms within FACE_TOL of the bottom and of the top of a layer.
pub fn faces(positions: &[f64], numbers: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let n = numbers.len();
    let zs: Vec<f64> = (0..n).map(|i| positions[3 * i + 2]).collect();
    let zmin = zs.iter().cloned().fold(f64::INFINITY, f64::min);
    let zmax = zs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut bottom: Vec<u8> = (0..n).filter(|&i| zs[i] - zmin <= FACE_TOL).map(|i| numbers[i]).collect();
    let mut top: Vec<u8> = (0..n).filter(|&i| zmax - zs[i] <= FACE_TOL).map(|i| numbers[i]).collect();
    bottom.sort_unstable();
    bottom.dedup();
    top.sort_unstable();
    top.dedup();
    (bottom, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mos2_bulk() -> (Vec<f64>, Vec<f64>, Vec<u8>) {
        // 2H-MoS2, a = 3.16, c = 12.29, z(S) = 0.621 (P6_3/mmc).
        let (a, c) = (3.16, 12.29);
        let cell = vec![a, 0.0, 0.0, -0.5 * a, 0.75f64.sqrt() * a, 0.0, 0.0, 0.0, c];
        let fr = [
            ([1.0 / 3.0, 2.0 / 3.0, 0.25], 42u8),
            ([2.0 / 3.0, 1.0 / 3.0, 0.75], 42),
            ([1.0 / 3.0, 2.0 / 3.0, 0.621], 16),
            ([1.0 / 3.0, 2.0 / 3.0, 0.879], 16),
            ([2.0 / 3.0, 1.0 / 3.0, 0.121], 16),
            ([2.0 / 3.0, 1.0 / 3.0, 0.379], 16),
        ];
        let mut p = Vec::new();
        let mut n = Vec::new();
        for (f, z) in fr.iter() {
            p.extend_from_slice(&cart(&cell, *f));
            n.push(*z);
        }
        (cell, p, n)
    }

    #[test]
    fn layered_bulk_gives_one_monolayer() {
        let (c, p, n) = mos2_bulk();
        let radii: Vec<f64> = n.iter().map(|&z| if z == 42 { 1.54 } else { 1.05 }).collect();
        let l = extract_layer(&c, &p, &n, &radii, [true; 3], false, 20.0).unwrap();
        assert_eq!(l.component_ranks, vec![2, 2]);
        assert_eq!(l.numbers.len(), 3);
        let mut sp = l.numbers.clone();
        sp.sort_unstable();
        assert_eq!(sp, vec![16, 16, 42]);
        // S–S thickness of the layer: (0.379 − 0.121)·c
        assert!((l.thickness - 0.258 * 12.29).abs() < 1e-6);
        assert!((l.cell[0] - 3.16).abs() < 1e-9 && l.cell[1].abs() < 1e-12 && l.cell[2] == 0.0);
        let (bot, top) = faces(&l.positions, &l.numbers);
        assert_eq!((bot, top), (vec![16], vec![16]));
    }

    #[test]
    fn bulk_metal_is_not_layered_and_vacuum_along_a_works() {
        let a = 4.08;
        let c = vec![0.0, a / 2.0, a / 2.0, a / 2.0, 0.0, a / 2.0, a / 2.0, a / 2.0, 0.0];
        assert_eq!(extract_layer(&c, &[0.0; 3], &[79], &[1.36], [true; 3], false, 10.0).unwrap_err(), LayerError::NotLayered(3));
        // Graphene with its vacuum along a (the normal is x).
        let g = 2.46;
        let cell = vec![20.0, 0.0, 0.0, 0.0, g, 0.0, 0.0, -0.5 * g, 0.75f64.sqrt() * g];
        let mut pos = cart(&cell, [0.5, 0.0, 0.0]).to_vec();
        pos.extend_from_slice(&cart(&cell, [0.5, 1.0 / 3.0, 2.0 / 3.0]));
        let l = extract_layer(&cell, &pos, &[6, 6], &[0.73, 0.73], [true; 3], false, 15.0).unwrap();
        assert_eq!(l.numbers.len(), 2);
        assert!(l.thickness.abs() < 1e-9);
        let area = (l.cell[0] * l.cell[4] - l.cell[1] * l.cell[3]).abs();
        assert!((area - g * g * 0.75f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn flipping_a_janus_layer_swaps_its_faces() {
        let (c, mut p, mut n) = mos2_bulk();
        // Make layer 1 Janus: top S (z = 0.379) → Se.
        n[5] = 34;
        p[17] += 0.0;
        let radii: Vec<f64> = n.iter().map(|&z| match z { 42 => 1.54, 34 => 1.2, _ => 1.05 }).collect();
        let l = extract_layer(&c, &p, &n, &radii, [true; 3], false, 20.0).unwrap();
        let (b0, t0) = faces(&l.positions, &l.numbers);
        let f = extract_layer(&c, &p, &n, &radii, [true; 3], true, 20.0).unwrap();
        let (b1, t1) = faces(&f.positions, &f.numbers);
        assert_eq!(b0, t1);
        assert_eq!(t0, b1);
        assert_ne!(b0, t0);
        assert!(f.cell[0] > 0.0 && f.cell[1].abs() < 1e-12 && f.cell[0] * f.cell[4] - f.cell[1] * f.cell[3] > 0.0);
    }
}
