import Foundation

/// Powder diffraction I(2θ) of a cluster from its Debye intensity.
///
///     I(2θ) = B(2θ) + Σ_lines w_l ∫ P(t) I_Debye(Q(t, λ_l)) pV(2θ − zero − t; H(t)) dt,   Q = 4π sin(t/2)/λ
///
/// P is the polarization factor (X-rays only, `PowderSettings.polarization`), pV the instrument
/// profile (`PowderProfile`), B the Chebyshev background. The Debye equation already averages over
/// all orientations of the cluster, which is what the Lorentz factor does for Bragg peaks of a
/// powder, so no separate Lorentz factor is applied.
///
/// The convolution is exact at the ends of the range: the unbroadened pattern is computed on a
/// fine grid (step ≤ H_min/6) that extends one profile window (`PowderProfile.reach`) beyond the
/// requested range on either side (within 0–180°), every peak spreads with its own FWHM, and the
/// result is then cropped. I_Debye is computed on a uniform Q grid (step ≤ min(0.002, 0.2/D) Å⁻¹
/// for a cluster of diameter D) and interpolated with cubic splines.
public enum PowderPattern {
    /// The powder pattern I(2θ) of `calculator`'s structure on `powder`'s 2θ grid.
    public static func compute(calculator: DebyeCalculator, powder: PowderSettings) throws -> Curve {
        try powder.validate()
        let grid2t = UniformGrid(from: powder.twoThetaMin, through: powder.twoThetaMax, step: powder.twoThetaStep)
        let x = grid2t.values
        let qRange = requiredQRange(twoTheta: x.first!...x.last!, powder: powder)
        let dq = min(0.002, 0.2 / max(1, calculator.maximumPairDistance))
        let qg = UniformGrid(from: max(0, qRange.lowerBound - 3 * dq), through: qRange.upperBound + 3 * dq, step: dq)
        let iq = calculator.structureFactorAndIntensity(grid: qg).i.y
        var y = intensities(at: x, powder: powder, radiation: calculator.settings.radiation) { qg.interpolateCubic(iq, at: $0) }
        if !powder.background.isEmpty { y = zip(y, background(x, coefficients: powder.background)).map { $0 + $1 } }
        return Curve(x: x, columns: [y], labels: ["2theta(deg)", "I(a.u.)"])
    }

    /// 2θ range (degrees) of the unbroadened pattern needed for output points in `range`.
    static func extendedRange(_ range: ClosedRange<Double>, powder: PowderSettings) -> ClosedRange<Double> {
        let lo0 = range.lowerBound - powder.zeroShift, hi0 = range.upperBound - powder.zeroShift
        guard let p = powder.profile else { return max(0, lo0)...min(180, hi0) }
        var margin = 0.0
        for _ in 0..<3 {  // the FWHM grows with 2θ: widen until the window covers its own ends
            let lo = max(0, lo0 - margin), hi = min(180, hi0 + margin)
            let hMax = (0...64).map { p.fwhm(atTwoTheta: lo + Double($0) / 64 * (hi - lo)) }.max()!
            margin = p.reach(fwhm: hMax) * 1.05
        }
        return max(0, lo0 - margin)...min(180, hi0 + margin)
    }

    /// Q range (Å⁻¹) of the Debye intensity needed for output points in `range` (degrees 2θ).
    public static func requiredQRange(twoTheta range: ClosedRange<Double>, powder: PowderSettings) -> ClosedRange<Double> {
        let ext = extendedRange(range, powder: powder)
        let lambdas = powder.lines.map(\.lambda)
        let q = { (t: Double, l: Double) in 4 * Double.pi * sin(min(t, 180) * Double.pi / 360) / l }
        return lambdas.map { q(ext.lowerBound, $0) }.min()!...lambdas.map { q(ext.upperBound, $0) }.max()!
    }

    /// The pattern (without background) at increasing 2θ points `x` (degrees), for a Debye
    /// intensity given as a function of Q (Å⁻¹). Background and scale are not applied.
    public static func intensities(at x: [Double], powder: PowderSettings, radiation: Radiation, intensity: (Double) -> Double) -> [Double] {
        guard let first = x.first, let last = x.last else { return [] }
        let lines = powder.lines
        func raw(_ t: Double) -> Double {
            var v = 0.0
            for l in lines { v += l.weight * intensity(4 * Double.pi * sin(t * Double.pi / 360) / l.lambda) }
            return powder.polarization(atTwoTheta: t, radiation: radiation) * v
        }
        guard let p = powder.profile else { return x.map { raw($0 - powder.zeroShift) } }
        let ext = extendedRange(first...last, powder: powder)
        let probe = (0...256).map { p.fwhm(atTwoTheta: ext.lowerBound + Double($0) / 256 * (ext.upperBound - ext.lowerBound)) }
        let hMin = max(probe.min()!, 1e-4), hMax = probe.max()!
        let h = min(max(hMin / 6, 2e-4), 0.02)
        let n = max(2, Int(((ext.upperBound - ext.lowerBound) / h).rounded(.up)) + 1)
        let step = (ext.upperBound - ext.lowerBound) / Double(n - 1)
        var t = [Double](repeating: 0, count: n), r = [Double](repeating: 0, count: n), fw = [Double](repeating: 0, count: n)
        for i in 0..<n {
            t[i] = ext.lowerBound + Double(i) * step
            r[i] = raw(t[i]) * step
            fw[i] = max(p.fwhm(atTwoTheta: t[i]), 1e-6)
        }
        let window = p.reach(fwhm: hMax)
        let norm = 1 / p.windowArea
        for i in 0..<n { r[i] *= norm }
        let reach = fw.map { p.reach(fwhm: $0) }
        return x.map { xj in
            let c = xj - powder.zeroShift
            let i0 = max(0, Int(((c - window - ext.lowerBound) / step).rounded(.down)))
            let i1 = min(n - 1, Int(((c + window - ext.lowerBound) / step).rounded(.up)))
            guard i0 <= i1 else { return 0 }
            var s = 0.0
            for i in i0...i1 {
                let d = c - t[i]
                if abs(d) <= reach[i] { s += r[i] * p.uncut(d, fwhm: fw[i]) }
            }
            return s
        }
    }

    /// Chebyshev polynomials T_0 … T_{count−1} at each x, mapped from [x.first, x.last] to [−1, 1].
    public static func chebyshevBasis(_ x: [Double], count: Int) -> [[Double]] {
        guard count > 0, let a = x.first, let b = x.last else { return [] }
        let span = b > a ? b - a : 1
        var out = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: count)
        for (j, v) in x.enumerated() {
            let xi = 2 * (v - a) / span - 1
            var t0 = 1.0, t1 = xi
            out[0][j] = 1
            if count > 1 { out[1][j] = xi }
            for k in 2..<max(2, count) { let t2 = 2 * xi * t1 - t0; out[k][j] = t2; t0 = t1; t1 = t2 }
        }
        return out
    }

    /// Σ b_k T_k(ξ) at each x.
    public static func background(_ x: [Double], coefficients b: [Double]) -> [Double] {
        let basis = chebyshevBasis(x, count: b.count)
        return x.indices.map { j in b.indices.reduce(0) { $0 + b[$1] * basis[$1][j] } }
    }
}
