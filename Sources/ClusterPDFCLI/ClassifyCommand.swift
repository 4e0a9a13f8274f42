import ArgumentParser
import ClusterPDF
import Foundation

/// Which models the classifier uses.
struct LibraryOptions: ParsableArguments {
    @Option(help: "Use only the models of this library directory (its library.json).")
    var library: String?

    /// Default: Structures/library.json (working directory or beside the executable; else the
    /// built-in models), plus the user library ~/.clusterpdf/library if it exists.
    func models() throws -> [ClassifierModel] {
        if let dir = library {
            guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("library.json")) else {
                throw ValidationError("\(dir) has no library.json")
            }
            return try ClassifierModel.load(ModelLibrary.load(directory: dir))
        }
        var models = try ModelLibrary.locateDefault().map { try ClassifierModel.load(ModelLibrary.load(directory: $0)) } ?? BuiltinModels.all()
        let user = ModelLibrary.userDirectory
        if FileManager.default.fileExists(atPath: (user as NSString).appendingPathComponent("library.json")) {
            models += try ClassifierModel.load(ModelLibrary.load(directory: user))
        }
        return models
    }
}

/// Settings and thresholds of the classifier.
struct ClassifyFitOptions: ParsableArguments {
    @OptionGroup var data: DataSettingFlags
    @Option(help: "ΔRw below which the verdict is 'ambiguous'.") var ambiguousMargin: Double = ClassificationThresholds.calibrated.ambiguousMargin
    @Option(help: "Best Rw above which the verdict is 'no-match'.") var noMatchRw: Double = ClassificationThresholds.calibrated.noMatchRw

    func classifier(models: [ClassifierModel]) -> Classifier {
        var o = Classifier.defaultOptions
        o.overrides = data.overrides
        return Classifier(models: models, options: o, thresholds: ClassificationThresholds(ambiguousMargin: ambiguousMargin, noMatchRw: noMatchRw))
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell zincblende-like from pseudo-wurtzite: fit each curve against every library model.")
    @Argument(help: "Measured G(r) files.") var data: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var fit: ClassifyFitOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false
    @Option(help: "Write one overlay plot (SVG) per curve into this directory.") var plot: String?
    @Option(help: "Write a self-contained HTML report.") var report: String?
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let failures = try reportingErrors { () -> Int in
            let models = try library.models()
            var rows = [(curve: String, classification: Classification?, error: String?)]()
            var plots = [String: String]()
            var files = [(text: String, path: String)]()
            for (n, path) in data.enumerated() {
                do {
                    let curve = try MeasuredCurveReader.read(path: path)
                    let (c, fits) = try fit.classifier(models: models).classify(curve, threads: threads)
                    rows.append((path, c, nil))
                    guard plot != nil || report != nil else { continue }
                    var svg = ClassificationReport.overlay(curve: curve, classification: c, results: fits)
                    svg.identifier = "curve\(n)"
                    plots[path] = svg.render()
                    if let dir = plot {
                        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
                        files.append((svg.render(), (dir as NSString).appendingPathComponent(name)))
                    }
                } catch {
                    warn("error: \(error)")
                    rows.append((path, nil, "\(error)"))
                }
            }
            let done = rows.compactMap(\.classification)
            if json {
                // One JSON document: an object for one curve, an array for several.
                print(data.count == 1 ? try done.first.map(JSONOutput.string) ?? "" : try JSONOutput.string(done))
            } else if csv {
                print(([ClassificationReport.csvHeader] + done.map(ClassificationReport.csvRow)).joined(separator: "\n"))
            } else {
                print(done.map(ClassificationReport.text).joined(separator: "\n"))
            }
            if let dir = plot { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            if let r = report { files.append((ClassificationReport.html(title: "ClusterPDF classification", rows: rows, plots: plots), r)) }
            try AtomicFile.writeAll(files, inputs: data)
            return rows.filter { $0.classification == nil }.count
        }
        if failures > 0 { throw ExitCode(Int32(min(failures, 250))) }
    }
}
