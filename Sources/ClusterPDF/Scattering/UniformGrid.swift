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
    /// of the step past point k (`interpolateCubic`; callers that read many curves at the same
    /// positions keep the weights).
    static func catmullRomWeights(_ u: Double) -> (Double, Double, Double, Double) {
        let u2 = u * u, u3 = u2 * u
        return (0.5 * (-u + 2 * u2 - u3), 1 - 2.5 * u2 + 1.5 * u3, 0.5 * (u + 4 * u2 - 3 * u3), 0.5 * (u3 - u2))
    }

    /// Cubic (Catmull–Rom) interpolation of values `y` on this grid at `x` (clamped to the grid).
    public func interpolateCubic(_ y: [Double], at x: Double) -> Double {
        let t = (x - start) / step
        let k = Swift.max(1, Swift.min(count - 3, Int(t)))
        let u = t - Double(k)
        let (w0, w1, w2, w3) = UniformGrid.catmullRomWeights(u)
        return w0 * y[k - 1] + w1 * y[k] + w2 * y[k + 1] + w3 * y[k + 2]
    }
}
