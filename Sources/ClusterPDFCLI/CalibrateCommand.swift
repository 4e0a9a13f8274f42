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

    func run() throws {
        try reportingErrors {
            if mining {
                var o = ClusterMiner.Options()
                o.space = quick ? .quick : .standard
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
