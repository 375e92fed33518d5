//! Small integer linear algebra for lattice bases.

pub fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

pub fn det3(m: &[[i64; 3]; 3]) -> i64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

/// For a primitive integer row vector r (gcd 1), a unimodular basis [u1, u2, u3] (returned as rows) with
/// r·u1 = r·u2 = 0 and r·u3 = 1: u1, u2 span the lattice plane r, u3 steps one plane up.
pub fn plane_basis(r: [i64; 3]) -> Option<[[i64; 3]; 3]> {
    if gcd(gcd(r[0], r[1]), r[2]) != 1 {
        return None;
    }
    let mut r = r;
    // Columns of U, stored as rows u[k]; column operations on r act on them alike.
    let mut u = [[1i64, 0, 0], [0, 1, 0], [0, 0, 1]];
    for _ in 0..1000 {
        let nz: Vec<usize> = (0..3).filter(|&k| r[k] != 0).collect();
        if nz.len() <= 1 {
            break;
        }
        let p = *nz.iter().min_by_key(|&&k| r[k].abs()).unwrap();
        for &q in nz.iter() {
            if q == p {
                continue;
            }
            let f = r[q] / r[p];
            r[q] -= f * r[p];
            for c in 0..3 {
                u[q][c] -= f * u[p][c];
            }
        }
    }
    let p = (0..3).find(|&k| r[k] != 0)?;
    if r[p] == -1 {
        for c in 0..3 {
            u[p][c] = -u[p][c];
        }
    } else if r[p] != 1 {
        return None;
    }
    let others: Vec<usize> = (0..3).filter(|&k| k != p).collect();
    Some([u[others[0]], u[others[1]], u[p]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_basis_is_unimodular_and_in_plane() {
        for r in [[1, 1, 1], [1, 1, 0], [0, 0, 1], [2, 1, 0], [1, 2, 3], [-1, 3, 5], [3, -2, 7]] {
            let b = plane_basis(r).unwrap();
            let dot = |v: [i64; 3]| v[0] * r[0] + v[1] * r[1] + v[2] * r[2];
            assert_eq!(dot(b[0]), 0);
            assert_eq!(dot(b[1]), 0);
            assert_eq!(dot(b[2]), 1);
            assert_eq!(det3(&b).abs(), 1);
        }
        assert!(plane_basis([2, 2, 0]).is_none());
    }
}
