//! 2D lattice helpers for in-plane vectors (Å). A basis is two row vectors [a, b].

pub type V2 = [f64; 2];

pub fn dot(a: V2, b: V2) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}
pub fn cross(a: V2, b: V2) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}
pub fn norm(a: V2) -> f64 {
    dot(a, a).sqrt()
}
pub fn add(a: V2, b: V2) -> V2 {
    [a[0] + b[0], a[1] + b[1]]
}
pub fn sub(a: V2, b: V2) -> V2 {
    [a[0] - b[0], a[1] - b[1]]
}
pub fn neg(a: V2) -> V2 {
    [-a[0], -a[1]]
}
/// Unsigned angle between two vectors (radians, 0..π).
pub fn angle(a: V2, b: V2) -> f64 {
    cross(a, b).abs().atan2(dot(a, b))
}

/// Zur–McGill reduction as pymatgen's `reduce_vectors`: acute angle, |a| ≤ |b|, b shortened by ±a.
/// Handedness is not kept (b may be negated), exactly as in pymatgen, so match sets agree.
pub fn reduce_zsl(mut a: V2, mut b: V2) -> (V2, V2) {
    for _ in 0..10_000 {
        if dot(a, b) < 0.0 {
            b = neg(b);
            continue;
        }
        if norm(a) > norm(b) {
            std::mem::swap(&mut a, &mut b);
            continue;
        }
        if norm(b) > norm(add(b, a)) {
            b = add(b, a);
            continue;
        }
        if norm(b) > norm(sub(b, a)) {
            b = sub(b, a);
            continue;
        }
        break;
    }
    (a, b)
}

/// Gauss (Lagrange) reduction keeping a right-handed basis: |a| ≤ |b|, |a·b| ≤ |a|²/2, cross(a, b) > 0.
pub fn reduce_gauss(mut a: V2, mut b: V2) -> (V2, V2) {
    for _ in 0..10_000 {
        if norm(b) < norm(a) {
            std::mem::swap(&mut a, &mut b);
        }
        let mu = (dot(a, b) / dot(a, a)).round();
        if mu == 0.0 {
            break;
        }
        b = [b[0] - mu * a[0], b[1] - mu * a[1]];
    }
    if cross(a, b) < 0.0 {
        b = neg(b);
    }
    (a, b)
}

/// Solves x·[a; b] = v for the coefficients x (v = x0·a + x1·b). None when the basis is singular.
pub fn coords(a: V2, b: V2, v: V2) -> Option<V2> {
    let d = cross(a, b);
    if d.abs() < 1e-14 {
        return None;
    }
    Some([cross(v, b) / d, cross(a, v) / d])
}

/// 2x2 matrix, row-major [m00, m01, m10, m11], acting on column vectors.
pub type M2 = [f64; 4];

pub fn mat_vec(m: M2, v: V2) -> V2 {
    [m[0] * v[0] + m[1] * v[1], m[2] * v[0] + m[3] * v[1]]
}

/// The linear map D with D·f1 = s1 and D·f2 = s2 (vectors as columns). None when f1, f2 are parallel.
pub fn map_between(f1: V2, f2: V2, s1: V2, s2: V2) -> Option<M2> {
    let d = cross(f1, f2);
    if d.abs() < 1e-14 {
        return None;
    }
    // F = [f1 f2] (columns); F^-1 = [[f2y, -f2x], [-f1y, f1x]] / d; D = S·F^-1.
    let fi = [f2[1] / d, -f2[0] / d, -f1[1] / d, f1[0] / d];
    let s = [s1[0], s2[0], s1[1], s2[1]];
    Some([
        s[0] * fi[0] + s[1] * fi[2],
        s[0] * fi[1] + s[1] * fi[3],
        s[2] * fi[0] + s[3] * fi[2],
        s[2] * fi[1] + s[3] * fi[3],
    ])
}

/// Polar decomposition D = R·U of a 2x2 map with det > 0: rotation angle of R (radians) and the symmetric
/// stretch U (row-major). Closed form: R is the rotation closest to D.
pub fn polar(d: M2) -> (f64, M2) {
    let theta = (d[2] - d[1]).atan2(d[0] + d[3]);
    let (c, s) = (theta.cos(), theta.sin());
    // U = R^T D
    let u = [c * d[0] + s * d[2], c * d[1] + s * d[3], -s * d[0] + c * d[2], -s * d[1] + c * d[3]];
    // Symmetrise away rounding.
    let off = 0.5 * (u[1] + u[2]);
    (theta, [u[0], off, off, u[3]])
}

/// Eigenvalues of a symmetric 2x2 matrix, ascending.
pub fn sym_eigen(m: M2) -> [f64; 2] {
    let tr = 0.5 * (m[0] + m[3]);
    let diff = 0.5 * (m[0] - m[3]);
    let r = (diff * diff + m[1] * m[1]).sqrt();
    [tr - r, tr + r]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polar_recovers_rotation_and_stretch() {
        let th: f64 = 0.3;
        let (c, s) = (th.cos(), th.sin());
        let u = [1.02, 0.01, 0.01, 0.97];
        // D = R U
        let d = [c * u[0] - s * u[2], c * u[1] - s * u[3], s * u[0] + c * u[2], s * u[1] + c * u[3]];
        let (t, uu) = polar(d);
        assert!((t - th).abs() < 1e-12);
        for k in 0..4 {
            assert!((uu[k] - u[k]).abs() < 1e-12);
        }
        let e = sym_eigen(uu);
        assert!(e[0] < e[1]);
        assert!(((e[0] + e[1]) - (u[0] + u[3])).abs() < 1e-12);
    }

    #[test]
    fn gauss_reduction_is_right_handed_and_short() {
        let (a, b) = reduce_gauss([3.0, 0.0], [7.5, 2.598]);
        assert!(cross(a, b) > 0.0);
        assert!(norm(a) <= norm(b) + 1e-12);
        assert!(dot(a, b).abs() <= 0.5 * dot(a, a) + 1e-9);
    }

    #[test]
    fn map_between_maps_the_basis() {
        let d = map_between([1.0, 0.0], [0.5, 0.8], [0.0, 1.0], [-0.8, 0.5]).unwrap();
        let v = mat_vec(d, [0.5, 0.8]);
        assert!((v[0] + 0.8).abs() < 1e-12 && (v[1] - 0.5).abs() < 1e-12);
    }
}
