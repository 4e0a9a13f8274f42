import ArgumentParser
import ClusterPDF
import Foundation

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set the classifier thresholds from synthetic curves and print the confusion matrix.")
    @OptionGroup var library: LibraryOptions
    @Option(help: "Synthetic curves per model.") var samples: Int = 3
    @Option(help: "Random seed (the calibration is reproducible).") var seed: UInt64 = 2026
    @Flag(help: "Print every sample as JSON.") var json = false
    @Flag(help: "Calibrate the mining classifier (classify) on held-apart synthetic clusters instead of the model-list classifier.")
    var mining = false
    @Flag(help: "With --mining: screen the quick candidate space (faster, fewer candidates).") var quick = false
    @Flag(help: "With --mining: synthetic laboratory powder patterns (Cu Kα1/2, pseudo-Voigt, background, noise) of 1–3 nm zincblende and wurtzite CdSe clusters instead of G(r).")
    var pattern = false
    @Option(help: "With --mining (G(r)): BIC temperatures to compare on the same classifications, e.g. 1,2,4 (confusion, reliability and log-loss for each; default: the calibrated one).")
    var temperatures: String?

    func run() throws {
        try reportingErrors {
            if mining {
                var o = ClusterMiner.Options()
                o.space = quick ? .quick : .standard
                if let list = temperatures {
                    if pattern { throw ValidationError("--temperatures goes with G(r) curves, not --pattern") }
                    let ts = try list.split(separator: ",").map { part -> Double in
                        guard let t = Double(part.trimmingCharacters(in: .whitespaces)), t > 0, t.isFinite else {
                            throw ValidationError("--temperatures: '\(part)' is not a positive number")
                        }
                        return t
                    }
                    guard !ts.isEmpty else { throw ValidationError("--temperatures: give at least one temperature") }
                    let outcomes = try MiningCalibration(miner: ClusterMiner(options: o), samples: self.samples, seed: seed).scan(temperatures: ts)
                    if json { print(try JSONOutput.string(outcomes)); return }
                    print("\(self.samples) held-apart synthetic curves (seed \(seed)), \(quick ? "quick" : "standard") candidate space\n")
                    for t in outcomes {
                        print(String(format: "BIC temperature %.2f — log-loss %.3f (mean −ln p of the true class)\n", t.temperature, t.logLoss))
                        print(MiningCalibration.table(t.samples))
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
            if pattern { throw ValidationError("--pattern goes with --mining") }
            let models = try BuiltinModels.all() + library.extraModels().models
            let outcome = try ClassifierCalibration(models: models, samplesPerModel: samples, seed: seed).run()
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(outcome), as: UTF8.self))
            } else {
                print("\(models.count) models, \(outcome.samples.count) synthetic curves (seed \(seed))\n")
                print(ClassifierCalibration.table(outcome))
            }
        }
    }
}
