/// Where the hub keeps its data: an SQLite file (the default: one file, no set-up) or a
/// PostgreSQL server (for production and for several hub replicas).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    public init(parsing text: String) throws(DatabaseLocationError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw DatabaseLocationError(text: text, reason: "sqlite: needs a file path, e.g. sqlite:./cordon.sqlite") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw DatabaseLocationError(
                text: text, reason: "use sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres: "postgres (URL hidden)"
        }
    }
}

/// A `--database` value that names no database Cordon can use.
public struct DatabaseLocationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String { "cannot use database '\(text)': \(reason)" }
}
