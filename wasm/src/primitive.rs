//! Primitive cell of a periodic structure by translation search: the lattice translations that map the
//! structure onto itself, then the three shortest of them spanning the smallest cell.

const TOL: f64 = 1e-3; // Å, position match tolerance

fn det(m: &[[f64; 3]; 3]) -> f64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

fn to_cart(cell: &[f64], f: [f64; 3]) -> [f64; 3] {
    let mut r = [0.0; 3];
    for k in 0..3 {
        r[k] = f[0] * cell[k] + f[1] * cell[3 + k] + f[2] * cell[6 + k];
    }
    r
}

/// Fractional translations (in [0,1)³, excluding 0) that map every atom onto an atom of the same species.
pub fn pure_translations(cell: &[f64], frac: &[f64], numbers: &[u8]) -> Vec<[f64; 3]> {
    let n = numbers.len();
    if n == 0 {
        return Vec::new();
    }
    // Anchor on the least frequent species.
    let mut counts = [0usize; 256];
    for &z in numbers {
        counts[z as usize] += 1;
    }
    let anchor = (0..n).min_by_key(|&i| counts[numbers[i] as usize]).unwrap();
    let same = |f: [f64; 3], g: [f64; 3]| -> bool {
        let mut d = [f[0] - g[0], f[1] - g[1], f[2] - g[2]];
        for x in d.iter_mut() {
            *x -= x.round();
        }
        let c = to_cart(cell, d);
        c[0] * c[0] + c[1] * c[1] + c[2] * c[2] < TOL * TOL
    };
    let fa = [frac[3 * anchor], frac[3 * anchor + 1], frac[3 * anchor + 2]];
    let mut out = Vec::new();
    for j in 0..n {
        if j == anchor || numbers[j] != numbers[anchor] {
            continue;
        }
        let mut t = [frac[3 * j] - fa[0], frac[3 * j + 1] - fa[1], frac[3 * j + 2] - fa[2]];
        for x in t.iter_mut() {
            *x -= x.floor();
            if *x > 1.0 - 1e-9 {
                *x = 0.0;
            }
        }
        if same(t, [0.0; 3]) {
            continue;
        }
        let ok = (0..n).all(|i| {
            let g = [frac[3 * i] + t[0], frac[3 * i + 1] + t[1], frac[3 * i + 2] + t[2]];
            (0..n).any(|k| numbers[k] == numbers[i] && same(g, [frac[3 * k], frac[3 * k + 1], frac[3 * k + 2]]))
        });
        if ok && !out.iter().any(|&u| same(u, t)) {
            out.push(t);
        }
    }
    out
}

/// A primitive cell (rows, Å) of the structure, or None when the given cell already is one.
/// Returned rows are lattice translations of the crystal, right-handed, with |det| = V / (1 + #translations).
pub fn primitive_cell(cell: &[f64], frac: &[f64], numbers: &[u8]) -> Option<[f64; 9]> {
    let ts = pure_translations(cell, frac, numbers);
    if ts.is_empty() {
        return None;
    }
    let vol = det(&[[cell[0], cell[1], cell[2]], [cell[3], cell[4], cell[5]], [cell[6], cell[7], cell[8]]]).abs();
    let target = vol / (ts.len() + 1) as f64;
    let mut vecs: Vec<[f64; 3]> = Vec::new();
    let mut base: Vec<[f64; 3]> = vec![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    base.extend(ts.iter().cloned());
    for t in base.iter() {
        for i in -1..=1 {
            for j in -1..=1 {
                for k in -1..=1 {
                    let f = [t[0] + i as f64, t[1] + j as f64, t[2] + k as f64];
                    let c = to_cart(cell, f);
                    if c[0] * c[0] + c[1] * c[1] + c[2] * c[2] > 1e-8 {
                        vecs.push(c);
                    }
                }
            }
        }
    }
    vecs.sort_by(|a, b| (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).partial_cmp(&(b[0] * b[0] + b[1] * b[1] + b[2] * b[2])).unwrap());
    vecs.dedup_by(|a, b| (a[0] - b[0]).abs() + (a[1] - b[1]).abs() + (a[2] - b[2]).abs() < 1e-6);
    let m = vecs.len().min(200);
    for i in 0..m {
        for j in (i + 1)..m {
            for k in (j + 1)..m {
                let mut mat = [vecs[i], vecs[j], vecs[k]];
                let d = det(&mat);
                if (d.abs() - target).abs() < 1e-6 * vol.max(1.0) {
                    if d < 0.0 {
                        mat[2] = [-mat[2][0], -mat[2][1], -mat[2][2]];
                    }
                    return Some([mat[0][0], mat[0][1], mat[0][2], mat[1][0], mat[1][1], mat[1][2], mat[2][0], mat[2][1], mat[2][2]]);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_fcc_reduces_to_a_quarter() {
        let a = 4.0;
        let cell = [a, 0.0, 0.0, 0.0, a, 0.0, 0.0, 0.0, a];
        let frac = [0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5, 0.5, 0.5, 0.0];
        let p = primitive_cell(&cell, &frac, &[29; 4]).unwrap();
        let m = [[p[0], p[1], p[2]], [p[3], p[4], p[5]], [p[6], p[7], p[8]]];
        assert!((det(&m) - a * a * a / 4.0).abs() < 1e-9);
        for r in m.iter() {
            assert!(((r[0] * r[0] + r[1] * r[1] + r[2] * r[2]).sqrt() - a / 2f64.sqrt()).abs() < 1e-9);
        }
        // A primitive cell stays as it is; two species break the translation.
        assert!(primitive_cell(&cell, &frac[..3], &[29]).is_none());
        assert!(primitive_cell(&cell, &frac, &[29, 29, 29, 79]).is_none());
    }
}
