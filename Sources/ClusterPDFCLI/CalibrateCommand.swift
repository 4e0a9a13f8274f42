import ArgumentParser
import ClusterPDF
import Foundation

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Confusion matrix and reliability of the classifier on held-apart synthetic curves.")
    @Option(help: "Synthetic curves (held-apart clusters, one each).") var samples: Int = 30
    @Option(help: "Random seed (the calibration is reproducible).") var seed: UInt64 = 2026
    @Flag(help: "Print every sample as JSON.") var json = false
    @Flag(help: "Accepted for scripts of earlier versions: the classifier is the mining one (there is no other).")
    var mining = false
    @Flag(help: "With --mining: screen the quick candidate space (faster, fewer candidates).") var quick = false
    @Flag(help: "With --mining: synthetic laboratory powder patterns (Cu Kα1/2, pseudo-Voigt, background, noise) of 1–3 nm zincblende and wurtzite CdSe clusters instead of G(r).")
    var pattern = false
    @Option(help: "With --mining (G(r)): BIC temperatures to compare on the same classifications, e.g. 1,2,4 (confusion, reliability and log-loss for each; default: the calibrated one).")
    var temperatures: String?
    @Option(help: "With --mining (G(r)): stacking limits of faulted candidates to compare on the same classifications, as W/Z pairs separated by commas, e.g. 0.15/0.85,0.2/0.8,0.25/0.75 (a faulted cluster at most W cubic votes pseudo-wurtzite, at least Z zincblende-like; default: the calibrated \(StackingLimits.calibrated)).")
    var stackingLimits: String?

    func run() throws {
        try reportingErrors {
            do {
                var o = ClusterMiner.Options()
                o.space = quick ? .quick : .standard
                if temperatures != nil || stackingLimits != nil {
                    if pattern { throw ValidationError("--temperatures and --stacking-limits go with G(r) curves, not --pattern") }
                    let ts = try (temperatures ?? "\(MiningThresholds.calibrated.temperature)").split(separator: ",", omittingEmptySubsequences: false).map { part -> Double in
                        guard let t = Double(part.trimmingCharacters(in: .whitespaces)), t > 0, t.isFinite else {
                            throw ValidationError("--temperatures: '\(part)' is not a positive number")
                        }
                        return t
                    }
                    let limits = try (stackingLimits ?? StackingLimits.calibrated.description).split(separator: ",", omittingEmptySubsequences: false).map { try StackingLimits(option: String($0)) }
                    let outcomes = try MiningCalibration(miner: ClusterMiner(options: o), samples: self.samples, seed: seed).scan(temperatures: ts, stackingLimits: limits)
                    if json { print(try JSONOutput.string(outcomes)); return }
                    print("\(self.samples) held-apart synthetic curves (seed \(seed)), \(quick ? "quick" : "standard") candidate space\n")
                    for t in outcomes {
                        print(String(format: "BIC temperature %.2f, stacking limits %@ — log-loss %.3f (mean −ln p of the true class), right verdicts %.1f %%\n",
                                     t.temperature, t.stackingLimits.description, t.logLoss, 100 * t.rightShare))
                        print(MiningCalibration.table(t.samples))
                    }
                    if outcomes.count > 1 {
                        print("summary: temperature, stacking limits, right verdicts, verdicts given, log-loss")
                        for t in outcomes {
                            print(String(format: "  %5.2f  %-10@ %5.1f %%  %3d of %d  %.3f", t.temperature, t.stackingLimits.description, 100 * t.rightShare, t.verdicts.given, t.samples.count, t.logLoss))
                        }
                    }
                    return
                }
                let samples = pattern ? try PatternCalibration(miner: ClusterMiner(options: o), samples: self.samples, seed: seed).run()
                    : try MiningCalibration(miner: ClusterMiner(options: o), samples: self.samples, seed: seed).run()
                if json { print(try JSONOutput.string(samples)) } else {
                    print("\(samples.count) held-apart synthetic \(pattern ? "powder patterns" : "curves") (seed \(seed)), \(quick ? "quick" : "standard") candidate space\n")
                    print(MiningCalibration.table(samples))
                }
                return
            }
        }
    }
}
