/// Points x_k = start + k·step, k = 0 … count−1.
public struct UniformGrid: Sendable, Hashable {
    /// First point.
    public let start: Double
    /// Spacing.
    public let step: Double
    /// Number of points.
    public let count: Int

    /// A grid of `count` points from `start` by `step`.
    public init(start: Double, step: Double, count: Int) {
        self.start = start; self.step = step; self.count = count
    }

    /// The grid from `start` to `stop` inclusive (within 1e-9 of a step) with spacing `step`.
    public init(from start: Double, through stop: Double, step: Double) {
        self.start = start
        self.step = step
        count = max(1, Int(((stop - start) / step + 1e-9).rounded(.down)) + 1)
    }

    /// The k-th point.
    public subscript(k: Int) -> Double { start + Double(k) * step }
    /// Every point.
    public var values: [Double] { (0..<count).map { self[$0] } }
    /// The last point.
    public var last: Double { self[count - 1] }

    /// The Catmull–Rom weights of y[k − 1], y[k], y[k + 1], y[k + 2] at a fraction `u` (0 ≤ u < 1)
    /// of the step past point k: the polynomial `interpolateCubic` evaluates, as weights for callers
    /// that read many curves at the same positions.
    static func catmullRomWeights(_ u: Double) -> (Double, Double, Double, Double) {
        let u2 = u * u, u3 = u2 * u
        return (0.5 * (-u + 2 * u2 - u3), 1 - 2.5 * u2 + 1.5 * u3, 0.5 * (u + 4 * u2 - 3 * u3), 0.5 * (u3 - u2))
    }

    /// Cubic (Catmull–Rom) interpolation of values `y` on this grid at `x` (clamped to the grid).
    public func interpolateCubic(_ y: [Double], at x: Double) -> Double {
        let t = (x - start) / step
        let k = Swift.max(1, Swift.min(count - 3, Int(t)))
        let u = t - Double(k)
        let p0 = y[k - 1], p1 = y[k], p2 = y[k + 1], p3 = y[k + 2]
        return 0.5 * (2 * p1 + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u * u + (-p0 + 3 * p1 - 3 * p2 + p3) * u * u * u)
    }
}
