import Foundation

/// Calibration of the mining classifier on synthetic laboratory powder patterns: zincblende and
/// wurtzite CdSe clusters of 1–3 nm (off the candidate grid: random radii, shapes and centres,
/// ±2 % expansion, random Uiso), Cu Kα1/Kα2, a pseudo-Voigt Caglioti profile, a Chebyshev
/// background and counting noise — all drawn from the seed. Reports the confusion matrix and the
/// reliability of the probabilities (`MiningCalibration.table`).
public struct PatternCalibration: Sendable {
    /// The miner calibrated.
    public var miner: ClusterMiner
    /// Number of synthetic patterns.
    public var samples: Int
    /// Seed (the calibration is reproducible).
    public var seed: UInt64

    /// A calibration of `miner` on `samples` patterns.
    public init(miner: ClusterMiner, samples: Int, seed: UInt64 = 2027) { self.miner = miner; self.samples = samples; self.seed = seed }

    /// Cluster `k` (zincblende-like for even k, pseudo-wurtzite for odd) and its noisy pattern.
    static func sample(_ k: Int, rng: inout SplitMix64) throws -> (String, Verdict, MeasuredCurve) {
        func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * rng.uniform() }
        let cd = Element(symbol: "Cd")!, se = Element(symbol: "Se")!
        let radius = uniform(5, 15)  // 1–3 nm diameter
        let shapes: [ParticleShape.Kind] = [.sphere, .spheroid, .hexagonalPrism, .truncatedOctahedron, .cuboctahedron]
        let shape = ParticleShape(shapes[Int(rng.next() % UInt64(shapes.count))], radius: radius, aspect: uniform(0.8, 1.3))
        let centre = StackedClusterBuilder.Center.allCases[Int(rng.next() % 3)]
        let zincblende = k % 2 == 0
        let structure = try StackedClusterBuilder.build(cation: cd, anion: se, stacking: StackingSequence(zincblende ? .zincblende : .wurtzite),
                                                        shape: shape, center: centre)
        var gen = SyntheticPattern()
        gen.zoom = uniform(0.98, 1.02)
        gen.uiso = uniform(0.006, 0.02)
        gen.peakCounts = uniform(800, 8000)
        gen.powder.twoThetaMin = uniform(8, 15); gen.powder.twoThetaMax = uniform(70, 90); gen.powder.twoThetaStep = 0.02
        let u = uniform(0.002, 0.02), v = uniform(-0.01, 0)
        let w = max(uniform(0.002, 0.01), v * v / (4 * u) + 0.001)  // FWHM² > 0 at every angle
        gen.powder.profile = PowderProfile(u: u, v: v, w: w, eta: uniform(0.2, 0.8))
        gen.powder.zeroShift = uniform(-0.05, 0.05)
        gen.powder.background = [uniform(0.05, 0.3) * gen.peakCounts, uniform(-0.05, 0.05) * gen.peakCounts, uniform(0, 0.03) * gen.peakCounts]
        let name = "\(zincblende ? "zincblende" : "wurtzite") \(shape.name) (\(structure.count) atoms)"
        let (curve, _) = try gen.make(structure, seed: rng.next(), path: "synthetic-\(k).xye")
        var c = curve
        c.header["composition"] = "Cd Se"
        return (name, zincblende ? .zincblendeLike : .pseudoWurtzite, c)
    }

    /// Runs the calibration.
    public func run() throws -> [MiningCalibration.Sample] {
        var rng = SplitMix64(seed: seed)
        var out = [MiningCalibration.Sample]()
        for k in 0..<samples {
            let (name, cls, curve) = try PatternCalibration.sample(k, rng: &rng)
            let (c, _) = try miner.classify(ReciprocalData(curve: curve))
            let top = (c.probabilities ?? [:]).max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }
            out.append(MiningCalibration.Sample(source: name, trueClass: cls, verdict: c.verdict, probability: top?.value ?? 0, predicted: top?.key ?? .ambiguous))
        }
        return out
    }
}
