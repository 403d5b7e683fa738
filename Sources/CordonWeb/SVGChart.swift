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

    /// One vertical bar a period, left to right (a time series): the label under it, the
    /// value above.
    static func columns(_ columns: [(label: String, value: Int)], title: String, height: Int = 160) -> String {
        guard !columns.isEmpty else { return "" }
        let columnWidth = 30, labelHeight = 18, valueHeight = 16
        let width = columns.count * columnWidth
        let barSpace = height - labelHeight - valueHeight
        let largest = max(1, columns.map(\.value).max() ?? 1)
        var svg = """
            <svg class="chart" role="img" aria-label="\(escape(title))" viewBox="0 0 \(width) \(height)" width="100%" \
            preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>\(escape(title))</title>
            """
        for (index, column) in columns.enumerated() {
            let x = index * columnWidth, middle = index * columnWidth + columnWidth / 2
            let length = column.value == 0 ? 0 : max(2, barSpace * column.value / largest)
            let top = valueHeight + barSpace - length
            svg += """
                <rect class="bar" x="\(x + 4)" y="\(top)" width="\(columnWidth - 8)" height="\(length)"/>\
                <text x="\(middle)" y="\(top - 4)" text-anchor="middle">\(column.value)</text>\
                <text x="\(middle)" y="\(height - 4)" text-anchor="middle" font-size="9">\(escape(column.label))</text>
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
