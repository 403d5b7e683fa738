import Foundation

/// Bar charts drawn on the server as inline SVG: no script, no external resource, and
/// every label escaped.
enum SVGChart {
    /// One horizontal bar a row, longest for the largest value; `title` names the chart
    /// for screen readers.
    static func bars(_ rows: [(label: String, value: Int)], title: String, width: Int = 420) -> String {
        guard !rows.isEmpty else { return "" }
        let rowHeight = 24, labelWidth = 150, valueWidth = 60
        let height = rows.count * rowHeight + 8
        let largest = max(1, rows.map(\.value).max() ?? 1)
        let barSpace = width - labelWidth - valueWidth
        var svg = """
            <svg class="chart" role="img" aria-label="\(escape(title))" viewBox="0 0 \(width) \(height)" width="100%" \
            preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>\(escape(title))</title>
            """
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 4
            let length = row.value == 0 ? 0 : max(2, barSpace * row.value / largest)
            svg += """
                <text x="0" y="\(y + 16)">\(escape(row.label))</text>\
                <rect class="bar" x="\(labelWidth)" y="\(y + 3)" width="\(length)" height="\(rowHeight - 8)"/>\
                <text x="\(labelWidth + length + 6)" y="\(y + 16)">\(row.value)</text>
                """
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
