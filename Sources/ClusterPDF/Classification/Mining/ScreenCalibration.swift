import Foundation

/// A per-curve correction of the screen's Rw: a linear predictor of the exact Rw learned from a
/// sample of candidates evaluated with the exact engine.
///
/// The screen (`ScreeningModel`) ranks thousands of candidates fast, but its Rw is off by
/// 0.00–0.09, and not uniformly: measured on CdSe-1 and CdSe-2 (`clusterpdf-bench gap-table`),
/// the error grows as clusters get smaller (correlation −0.7 with N^(−1/3)) and with δ2. Fitted per
/// curve on the sample, exact ≈ c₀ + c₁·screen + c₂·N^(−1/3) + c₃·(cation share) + c₄·U + c₅·δ2
/// leaves 0.003–0.004 of scatter, a quarter of the raw error, so that the candidates most likely
/// to refine best can be chosen for exact evaluation.
struct ScreenCalibration: Sendable {
    /// Coefficients c₀…c₅.
    let coefficients: [Double]
    /// RMS of the predictor's residuals on the sample (its own scatter).
    let scatter: Double

    /// The features of a candidate: 1, screened Rw, N^(−1/3), cation share, U (Å²), δ2 (Å²).
    static func features(screenedRw: Double, atoms: Int, cationShare: Double, uiso: Double, delta2: Double) -> [Double] {
        [1, screenedRw, pow(Double(max(1, atoms)), -1.0 / 3), cationShare, uiso, delta2 / 10]
    }

    /// Fits the predictor to `samples` (features, exact Rw); nil with fewer than 12 samples or a
    /// singular system. A small ridge keeps it stable when a feature does not vary.
    init?(samples: [(features: [Double], exact: Double)]) {
        let n = samples.count, k = samples.first?.features.count ?? 0
        guard n >= 12, k > 0 else { return nil }
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        for s in samples {
            for i in 0..<k {
                b[i] += s.features[i] * s.exact
                for j in 0..<k { a[i * k + j] += s.features[i] * s.features[j] }
            }
        }
        for i in 1..<k { a[i * k + i] += 1e-6 * Double(n) }
        guard let c = ReciprocalScreening.solve(a, b, k) else { return nil }
        coefficients = c
        let residuals = samples.map { s in s.exact - zip(c, s.features).reduce(0) { $0 + $1.0 * $1.1 } }
        scatter = (residuals.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
    }

    /// The predicted exact Rw of a candidate with these features.
    func predict(_ features: [Double]) -> Double { zip(coefficients, features).reduce(0) { $0 + $1.0 * $1.1 } }
}
