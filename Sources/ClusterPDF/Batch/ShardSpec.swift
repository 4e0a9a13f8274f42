import Foundation

/// Which share of a batch's curves this process classifies: share `index` (1-based) of `count`,
/// the curves whose position ≡ index − 1 (mod count).
public struct ShardSpec: Sendable, Hashable, CustomStringConvertible {
    /// 1-based share number.
    public var index: Int
    /// Number of shares.
    public var count: Int

    /// Share `index` of `count` (1 ≤ index ≤ count).
    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else { throw ShardError("--shard must be i/n with 1 ≤ i ≤ n, got \(index)/\(count)") }
        self.index = index; self.count = count
    }

    /// "i/n".
    public var description: String { "\(index)/\(count)" }

    /// A share from `--shard`: "i/n"; "auto", from an array job's environment (Slurm
    /// `SLURM_ARRAY_TASK_ID`/`_MIN`/`_COUNT`, SGE/UGE `SGE_TASK_ID`/`_FIRST`/`_LAST`/`_STEPSIZE`);
    /// or "auto/n", the index from the environment (also PBS `PBS_ARRAY_INDEX`, Torque `PBS_ARRAYID`,
    /// whose arrays must be numbered 1…n) and the count given. Slurm and SGE arrays may start at 0
    /// or 1: the share is counted from the array's first index.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "auto" {
            guard parts.count <= 2 else { throw ShardError("--shard must be i/n, auto or auto/n, got '\(text)'") }
            var given: Int?
            if parts.count == 2 {
                guard let n = Int(parts[1]), n >= 1 else { throw ShardError("--shard auto/n needs a positive n, got '\(text)'") }
                given = n
            }
            self = try ShardSpec.fromEnvironment(environment, count: given)
            return
        }
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError("--shard must be i/n (e.g. 3/8), auto or auto/n, got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    static func fromEnvironment(_ env: [String: String], count given: Int?) throws -> ShardSpec {
        func int(_ k: String) -> Int? { env[k].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if let id = int("SLURM_ARRAY_TASK_ID") {
            let first = int("SLURM_ARRAY_TASK_MIN") ?? 0
            if let step = int("SLURM_ARRAY_TASK_STEP"), step != 1, given == nil {
                throw ShardError("--shard auto: the Slurm array has step \(step); use --shard i/n explicitly")
            }
            guard let n = given ?? int("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; use --shard auto/n")
            }
            return try ShardSpec(index: id - first + 1, count: n, source: "SLURM_ARRAY_TASK_ID=\(id)")
        }
        if let id = int("SGE_TASK_ID") {
            let first = int("SGE_TASK_FIRST") ?? 1, step = int("SGE_TASK_STEPSIZE") ?? 1
            guard step >= 1 else { throw ShardError("--shard auto: SGE_TASK_STEPSIZE is \(step)") }
            let n = given ?? int("SGE_TASK_LAST").map { ($0 - first) / step + 1 }
            guard let count = n else { throw ShardError("--shard auto: SGE_TASK_LAST is not set; use --shard auto/n") }
            return try ShardSpec(index: (id - first) / step + 1, count: count, source: "SGE_TASK_ID=\(id)")
        }
        if let id = int("PBS_ARRAY_INDEX") ?? int("PBS_ARRAYID") {
            guard let n = given else {
                throw ShardError("--shard auto: PBS does not tell the array size; use --shard auto/n (n = the number of array tasks)")
            }
            // PBS does not tell the array's first index either: arrays are numbered 1…n (`-J 1-n`).
            return try ShardSpec(index: id, count: n, source: "PBS array index \(id) (PBS arrays must be numbered 1…n)")
        }
        throw ShardError("--shard auto: no array-job variable is set (SLURM_ARRAY_TASK_ID, SGE_TASK_ID, PBS_ARRAY_INDEX or PBS_ARRAYID); run inside an array job or give --shard i/n")
    }

    /// The items of this share, in input order.
    public func select(_ items: [BatchItem]) -> [BatchItem] { BatchInputs.shard(items, index: index, of: count) }
}

private extension ShardSpec {
    init(index: Int, count: Int, source: String) throws {
        do { try self.init(index: index, count: count) } catch {
            throw ShardError("--shard auto: \(source) gives share \(index) of \(count), outside 1…\(count)")
        }
    }
}

/// A `--shard` value that names no share.
public struct ShardError: Error, CustomStringConvertible, Sendable {
    /// The problem.
    public var description: String
    init(_ d: String) { description = d }
}
