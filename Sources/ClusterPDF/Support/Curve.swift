/// A computed curve with its grid, units and parameters.
public struct Curve: Sendable {
    /// The abscissa.
    public var x: [Double]
    /// One or more y columns (e.g. G, or G per partial).
    public var columns: [[Double]]
    /// Column names with units, x first: ["r(A)", "G(A^-2)"].
    public var labels: [String]
    /// A curve with one or more columns and their labels (for output headers).
    public init(x: [Double], columns: [[Double]], labels: [String]) {
        self.x = x; self.columns = columns; self.labels = labels
    }
    /// The first column.
    public var y: [Double] { columns[0] }
}
