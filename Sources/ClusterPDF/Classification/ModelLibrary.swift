import Foundation

/// A library of model structures with their structure family, as in `Structures/library.json`
/// and user libraries (`~/.clusterpdf/library/library.json`).
public struct ModelLibrary: Codable, Sendable {
    /// Structure families the classifier tells apart.
    public enum Family: String, Codable, Sendable, CaseIterable {
        case zincblendeLike = "zincblende-like"
        case wurtziteLike = "wurtzite-like"
        case pseudoWurtzite = "pseudo-wurtzite"
        /// Stackings between the two: polytypes (4H, 6H) and randomly faulted sequences.
        case faulted

        /// The class reported by the classifier: wurtzite-like and pseudo-wurtzite models vote
        /// together; faulted stackings are the mixed class.
        public var verdictClass: Verdict {
            switch self {
            case .zincblendeLike: return .zincblendeLike
            case .wurtziteLike, .pseudoWurtzite: return .pseudoWurtzite
            case .faulted: return .mixedOrFaulted
            }
        }
    }

    /// What a library entry is (JSON spelling `cluster`, `crystal`).
    public enum ModelKind: String, Codable, Sendable, Hashable {
        /// A finite cluster: a classifier model.
        case cluster
        /// A periodic crystal: classified as an attenuated crystal (sphere envelope, size refined).
        case crystal
    }

    /// One model of a library file.
    public struct Entry: Codable, Sendable, Hashable {
        /// File name, relative to the library directory.
        public var file: String
        /// Cluster or crystal (crystals are attenuated-crystal models); missing: cluster.
        public var kind: ModelKind?
        /// Formula of the model.
        public var formula: String
        /// Number of atoms.
        public var atoms: Int
        /// Structure family.
        public var family: Family
        /// The command that builds the file (reproducibility).
        public var command: String?
        /// Where the structure comes from.
        public var literature: String?
    }

    /// What the library holds.
    public var description: String?
    /// Its models.
    public var models: [Entry]
    /// Directory the entries' files are relative to (not stored).
    public var directory: String = ""

    enum CodingKeys: String, CodingKey { case description, models }

    /// A library of `models` whose files lie in `directory`.
    public init(description: String? = nil, models: [Entry] = [], directory: String) {
        self.description = description; self.models = models; self.directory = directory
    }

    /// Cluster models only, with absolute paths.
    public var clusterModels: [(entry: Entry, path: String)] {
        models.filter { ($0.kind ?? .cluster) == .cluster }.map { ($0, (directory as NSString).appendingPathComponent($0.file)) }
    }

    /// Every model (clusters and crystals), with absolute paths.
    public var allModels: [(entry: Entry, path: String)] {
        models.map { ($0, (directory as NSString).appendingPathComponent($0.file)) }
    }

    /// Loads `DIR/library.json`; a missing file gives an empty library.
    public static func load(directory: String) throws -> ModelLibrary {
        let path = (directory as NSString).appendingPathComponent("library.json")
        guard FileManager.default.fileExists(atPath: path) else { return ModelLibrary(models: [], directory: directory) }
        let text = try TextFile.read(path)
        do {
            var lib = try JSONDecoder().decode(ModelLibrary.self, from: Data(text.utf8))
            lib.directory = directory
            return lib
        } catch {
            throw InputError(file: path, "not a valid library file: \(error)")
        }
    }

    /// The default user library directory, `~/.clusterpdf/library`.
    public static var userDirectory: String {
        (NSHomeDirectory() as NSString).appendingPathComponent(".clusterpdf/library")
    }

    /// Copies `file` into the library directory and records it (written atomically).
    @discardableResult
    public static func add(file: String, family: Family, directory: String, literature: String? = nil) throws -> Entry {
        let loaded = try StructureReader.read(path: file)
        guard loaded.kind != .crystal else { throw InputError(file: file, "is a periodic crystal: add a finite cluster model") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var lib = try load(directory: directory)
        let name = (file as NSString).lastPathComponent
        // Store as XYZ (finite cluster), whatever the input format.
        let stored = ((name as NSString).deletingPathExtension) + ".xyz"
        try AtomicFile.write(XYZWriter.string(loaded.structure), to: (directory as NSString).appendingPathComponent(stored))
        let entry = Entry(file: stored, kind: .cluster, formula: loaded.structure.formula, atoms: loaded.structure.count,
                          family: family, command: "clusterpdf library add \(file) --family \(family.rawValue)", literature: literature)
        lib.models.removeAll { $0.file == stored }
        lib.models.append(entry)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try enc.encode(lib), as: UTF8.self) + "\n", to: (directory as NSString).appendingPathComponent("library.json"))
        return entry
    }
}
