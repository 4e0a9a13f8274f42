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
            var out = [String]()
            if csv { out.append(ClassificationReport.csvHeader) }
            for (n, path) in data.enumerated() {
                do {
                    let curve = try MeasuredCurveReader.read(path: path)
                    let (c, fits) = try fit.classifier(models: models).classify(curve, threads: threads)
                    rows.append((path, c, nil))
                    if plot != nil || report != nil {
                        var chosen = [(Verdict, [Double], [Double])]()
                        for cls in Verdict.classes {
                            if let s = c.bestByClass[cls], let i = c.scores.firstIndex(where: { $0.model == s.model }) {
                                chosen.append((cls, fits[i].r, fits[i].gCalculated))
                            }
                        }
                        var svg = ClassificationReport.overlay(curve: curve, classification: c, fits: chosen)
                        svg.identifier = "curve\(n)"
                        let text = svg.render()
                        plots[path] = text
                        if let dir = plot {
                            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
                            try AtomicFile.write(text, to: (dir as NSString).appendingPathComponent(name))
                        }
                    }
                    if json {
                        out.append(try JSONOutput.string(c))
                    } else if csv {
                        out.append(ClassificationReport.csvRow(c))
                    } else {
                        out.append(ClassificationReport.text(c))
                    }
                } catch {
                    warn("error: \(error)")
                    rows.append((path, nil, "\(error)"))
                }
            }
            print(out.joined(separator: "\n"))
            if let r = report {
                try AtomicFile.write(ClassificationReport.html(title: "ClusterPDF classification", rows: rows, plots: plots), to: r)
            }
            return rows.filter { $0.classification == nil }.count
        }
        if failures > 0 { throw ExitCode(Int32(min(failures, 250))) }
    }
}
