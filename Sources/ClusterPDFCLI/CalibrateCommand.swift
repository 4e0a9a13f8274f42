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

    func run() throws {
        try reportingErrors {
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
