import ArgumentParser
import CStandardOutput
import ClusterPDF
import Foundation

@main
struct ClusterPDFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterpdf",
        abstract: "Simulate and compare pair distribution functions and powder diffraction of nanoclusters.",
        version: ClusterPDFVersion.string,
        subcommands: [Info.self, Simulate.self, Build.self, Library.self, Fit.self, Classify.self, Batch.self, SeriesCommand.self, HomologyCommand.self, Calibrate.self]
    )

    static func main() {
        // Stop OpenBLAS's own threads before any work: they would busy-wait on our cores.
        LinearAlgebra.useSingleThreadedBLAS()
        // Reuse freed memory instead of having the kernel clear fresh pages at every evaluation.
        AllocatorTuning.keepFreedMemory()
        // A closed pipe (`clusterpdf … | head`) or a full disk on standard output is an error
        // with a message and exit status 1, not a silent death by SIGPIPE or a lost tail.
        signal(SIGPIPE, SIG_IGN)
        atexit {
            if clusterpdf_stdout_failed() != 0 {
                let message = "clusterpdf: error: cannot write to standard output: \(String(cString: strerror(errno)))\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                _exit(1)
            }
        }
        main(nil)
    }
}

/// Options naming a structure file and how to read it.
struct StructureInput: ParsableArguments {
    @Argument(help: "Structure file (.xyz, extended XYZ, .cif).")
    var file: String
    @Option(help: "Frame of a multi-frame XYZ file (1-based).")
    var frame: Int = 1
    @Option(help: "CIF data block to read (default: the first with atoms).")
    var block: String?
    @Option(help: "Molecule of a molecular crystal (1-based, largest first).")
    var molecule: Int = 1
    @Option(help: "Bond cutoff in Å for every pair (default: 1.2 × sum of covalent radii).")
    var bondCutoff: Double?

    var bonds: BondCriterion { BondCriterion(globalCutoff: bondCutoff) }

    func load() throws -> LoadedStructure {
        var o = StructureReadOptions(frame: frame, block: block, molecule: molecule)
        o.bonds = bonds
        return try StructureReader.read(path: file, options: o)
    }
}

/// Prints a message to standard error.
func warn(_ s: String) { FileHandle.standardError.write(("clusterpdf: " + s + "\n").data(using: .utf8)!) }

/// Runs `body`, turning library errors into a clean message and exit code 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as InputError {
        warn("error: \(e)"); throw ExitCode(1)
    } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch let e as ValidationError {
        warn("error: \(e.message)"); throw ExitCode(1)
    } catch {
        warn("error: \(error)"); throw ExitCode(1)
    }
}
