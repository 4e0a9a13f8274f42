// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ClusterPDF",
    products: [
        .library(name: "ClusterPDF", targets: ["ClusterPDF"]),
        .executable(name: "clusterpdf", targets: ["ClusterPDFCLI"]),
        .executable(name: "clusterpdf-bench", targets: ["ClusterPDFBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target ClusterPDF` (DocC catalog in Sources/ClusterPDF/ClusterPDF.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System BLAS/LAPACK (Debian: libblas-dev, liblapack-dev), Fortran calling convention.
        .systemLibrary(name: "CLinearAlgebra", path: "Sources/CLinearAlgebra"),
        // FFTW 3 (Debian: libfftw3-dev): sine transforms of periodic PDFs.
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW"),
        // spglib (Debian: libsymspg-dev): space groups of crystals.
        .systemLibrary(name: "CSpglib", path: "Sources/CSpglib"),
        // xraylib (Debian: libxrl-dev): anomalous scattering factors f′, f″.
        .systemLibrary(name: "CXraylib", path: "Sources/CXraylib"),
        // Header only: checks that standard output was written (closed pipes, full disks).
        .systemLibrary(name: "CStandardOutput", path: "Sources/CStandardOutput"),
        .target(
            name: "ClusterPDF",
            dependencies: ["CLinearAlgebra", "CFFTW", "CSpglib", "CXraylib"]
        ),
        .executableTarget(
            name: "ClusterPDFCLI",
            dependencies: [
                "ClusterPDF",
                "CStandardOutput",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ClusterPDFBench",
            dependencies: ["ClusterPDF"]
        ),
        .testTarget(
            name: "ClusterPDFTests",
            dependencies: ["ClusterPDF"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
