import ClusterPDF
import Foundation

/// One classifier option of a batch: its name, the value that identifies it in the records'
/// settings, and the arguments that repeat it for an array task.
struct SettingArgument {
    let name: String
    let value: String
    let arguments: [String]

    static func option(_ name: String, _ v: (some CustomStringConvertible)?) -> SettingArgument {
        SettingArgument(name: name, value: v.map { "\($0)" } ?? "default", arguments: v.map { [name, "\($0)"] } ?? [])
    }
    static func flag(_ name: String, _ on: Bool) -> SettingArgument {
        SettingArgument(name: name, value: on ? "true" : "false", arguments: on ? [name] : [])
    }
    /// A file or directory whose contents are the setting: the digest identifies it, the absolute
    /// path repeats it.
    static func files(_ name: String, _ paths: [String]) -> SettingArgument {
        let abs = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let contents = abs.flatMap { p -> [String] in
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue else { return [p] }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []).sorted()
            return names.map { (p as NSString).appendingPathComponent($0) }
        }
        return SettingArgument(name: name, value: paths.isEmpty ? "none" : "\(paths.count) file(s), content \(BatchSettings.digest(files: contents))",
                               arguments: abs.flatMap { [name, $0] })
    }
}

extension ClassifyFitOptions {
    /// Every option that changes a classification, as batch settings (the cache is not one).
    func settingArguments(library: LibraryOptions) -> [SettingArgument] {
        let d = data, p = pattern
        var out: [SettingArgument] = [
            .option("--rmin", d.rmin), .option("--rmax", d.rmax), .option("--qmin", d.qmin), .option("--qmax", d.qmax),
            .option("--qdamp", d.qdamp), .option("--qbroad", d.qbroad), .option("--radiation", d.radiation?.rawValue),
            .option("--elements", elements), .option("--probability", probability), .option("--no-match-rw", noMatchRw),
            .option("--stacking-limits", stackingLimits), .flag("--quick", quick), .files("--space", space.map { [$0] } ?? []),
            .option("--top", top), .option("--no-match-rwp", noMatchRwp),
            .option("--wavelength", p.wavelength), .option("--anode", p.anode?.rawValue), .flag("--kalpha2", p.kalpha2),
            .option("--monochromator", p.monochromator), .option("--caglioti", p.caglioti), .option("--fwhm", p.fwhm),
            .option("--eta", p.eta), .option("--zero", p.zero), .option("--background-terms", p.backgroundTerms),
            .option("--range", p.range), .flag("--anomalous", p.anomalous), .option("--energy", p.energy),
            .files("--library", library.library), .flag("--user-library", library.userLibrary),
            .files("--add", library.add), .option("--add-family", library.addFamily.rawValue),
        ]
        if library.userLibrary { out.append(.files("user library", [ModelLibrary.userDirectory])) }
        return out
    }

    /// The cache options, passed on to array tasks but not settings.
    var cacheArguments: [String] {
        if noCache { return ["--no-cache"] }
        return cache.map { ["--cache", URL(fileURLWithPath: $0).standardizedFileURL.path] } ?? []
    }
}

extension Array where Element == SettingArgument {
    /// The batch settings.
    var settings: BatchSettings { BatchSettings(Dictionary(map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })) }
    /// The arguments that repeat them.
    var arguments: [String] { filter { $0.name != "user library" }.flatMap(\.arguments) }
}
