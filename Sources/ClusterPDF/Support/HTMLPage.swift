import Foundation

/// The skeleton shared by ClusterPDF's self-contained HTML pages (classify, batch and series
/// reports): document head with the page's own style sheet, and the styles every page uses.
enum HTMLPage {
    /// `<!DOCTYPE html>` … `<body>` with `title` (escaped) and `css`.
    static func start(title: String, css: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(ClassificationReport.escape(title))</title>\n<style>\n" +
            baseCSS + css + "</style></head><body>\n"
    }

    /// Body font and tables.
    static let baseCSS = """
    body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
    table { border-collapse: collapse; margin-bottom: 24px; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .warning { color: #8a6d00; }
    .settings { color: #555; font-size: 90%; }
    .error { color: #b00; }

    """

    /// The colours of the verdicts.
    static let verdictCSS = """
    .zincblende-like { color: #b22222; font-weight: bold; }
    .pseudo-wurtzite { color: #1e7b1e; font-weight: bold; }
    .mixed-or-faulted { color: #6a3d9a; font-weight: bold; }
    .mixture { color: #0b5f8a; font-weight: bold; }
    .ambiguous, .no-match { color: #8a6d00; font-weight: bold; }

    """
}
