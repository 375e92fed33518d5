//! Cell arithmetic on row-major 3x3 matrices (rows are lattice vectors, Å).

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum CellError {
    Singular,
    NonFinite,
}

pub fn det(m: &[f64]) -> f64 {
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
}

pub fn volume(cell: &[f64]) -> f64 {
    det(cell)
}

pub fn inverse(m: &[f64]) -> Result<[f64; 9], CellError> {
    if m.iter().any(|x| !x.is_finite()) {
        return Err(CellError::NonFinite);
    }
    let d = det(m);
    if !(d.abs() > 1e-12) {
        return Err(CellError::Singular);
    }
    Ok([
        (m[4] * m[8] - m[5] * m[7]) / d,
        (m[2] * m[7] - m[1] * m[8]) / d,
        (m[1] * m[5] - m[2] * m[4]) / d,
        (m[5] * m[6] - m[3] * m[8]) / d,
        (m[0] * m[8] - m[2] * m[6]) / d,
        (m[2] * m[3] - m[0] * m[5]) / d,
        (m[3] * m[7] - m[4] * m[6]) / d,
        (m[1] * m[6] - m[0] * m[7]) / d,
        (m[0] * m[4] - m[1] * m[3]) / d,
    ])
}

/// Wraps Cartesian positions into the cell along periodic axes: fractional coordinates end in [0, 1).
pub fn wrap_positions(cell: &[f64], pos: &mut [f64], pbc: [bool; 3]) -> Result<(), CellError> {
    let inv = inverse(cell)?;
    for p in pos.chunks_exact_mut(3) {
        if p.iter().any(|x| !x.is_finite()) {
            return Err(CellError::NonFinite);
        }
        let mut f = [0.0; 3];
        for k in 0..3 {
            f[k] = p[0] * inv[k] + p[1] * inv[3 + k] + p[2] * inv[6 + k];
            if pbc[k] {
                f[k] -= f[k].floor();
                if f[k] >= 1.0 {
                    f[k] = 0.0;
                }
            }
        }
        for k in 0..3 {
            p[k] = f[0] * cell[k] + f[1] * cell[3 + k] + f[2] * cell[6 + k];
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: [f64; 9] = [3.16, 0.0, 0.0, -1.58, 2.736640276, 0.0, 0.0, 0.0, 20.0];

    #[test]
    fn volume_is_determinant() {
        let v = volume(&HEX);
        assert!((v - 3.16 * 2.736640276 * 20.0).abs() < 1e-9);
    }

    #[test]
    fn inverse_times_cell_is_identity() {
        let inv = inverse(&HEX).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| HEX[3 * i + k] * inv[3 * k + j]).sum();
                assert!((s - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn singular_cell_is_an_error() {
        let m = [1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        assert_eq!(inverse(&m), Err(CellError::Singular));
    }

    #[test]
    fn wrapping_lands_in_the_cell_and_keeps_open_axes() {
        let mut p = [-1.0, 5.0, 25.0, 3.16, 0.0, -3.0];
        wrap_positions(&HEX, &mut p, [true, true, false]).unwrap();
        let inv = inverse(&HEX).unwrap();
        for q in p.chunks_exact(3) {
            for k in 0..2 {
                let f = q[0] * inv[k] + q[1] * inv[3 + k] + q[2] * inv[6 + k];
                assert!((0.0..1.0).contains(&f), "fractional {} out of [0,1)", f);
            }
        }
        assert!((p[2] - 25.0).abs() < 1e-12 && (p[5] + 3.0).abs() < 1e-12);
    }

    #[test]
    fn non_finite_positions_are_an_error() {
        let mut p = [f64::NAN, 0.0, 0.0];
        assert_eq!(wrap_positions(&HEX, &mut p, [true; 3]), Err(CellError::NonFinite));
    }
}
