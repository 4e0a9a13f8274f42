/// How often two double layers d apart sit on the same lateral position (A, B or C) in a random
/// stacking where each layer is cubic (the third position) with probability α, else hexagonal
/// (the position two layers down) — the fault model of `StackingSequence.faulted`.
///
/// The shift from one layer to the next is +1 or −1 (mod 3); it keeps its sign with probability
/// α and reverses it with 1 − α. With an unbiased start the chain is stationary and invariant
/// under relabelling A, B, C, so for any layer pair d apart P(same position) = p_d and each of
/// the six ordered pairs of different positions has probability (1 − p_d)/6. p_d is the
/// probability that d shifts sum to 0 mod 3, found by a six-state recursion (sum mod 3, last
/// shift). α = 0 (wurtzite): p_d = 1 for even d; α = 1 (zincblende): p_d = 1 for d ≡ 0 mod 3.
public enum StackingCorrelation {
    /// p_0 … p_maxLayers for fault (cubic) probability `alpha` (clamped to 0…1).
    public static func sameSiteProbabilities(alpha: Double, maxLayers: Int) -> [Double] {
        let a = min(1, max(0, alpha))
        var out = [1.0]
        guard maxLayers >= 1 else { return out }
        // state[sum][0]: last shift −1, state[sum][1]: last shift +1.
        var s: [[Double]] = [[0, 0], [0, 0.5], [0.5, 0]]   // after one shift: +1 → sum 1, −1 → sum 2
        out.append(0)
        for _ in 2...max(2, maxLayers) where out.count <= maxLayers {
            var n: [[Double]] = [[0, 0], [0, 0], [0, 0]]
            for sum in 0..<3 {
                for last in 0..<2 {
                    let p = s[sum][last]
                    if p == 0 { continue }
                    for next in 0..<2 {
                        let w = next == last ? a : 1 - a
                        let step = next == 1 ? 1 : 2
                        n[(sum + step) % 3][next] += p * w
                    }
                }
            }
            s = n
            out.append(s[0][0] + s[0][1])
        }
        return out
    }
}
