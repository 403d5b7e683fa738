/// `docs/permissions.md`, generated from ``PermissionTable`` (by `cordon admin permissions`;
/// a test fails when the file differs), so the document cannot drift from the code.
public enum PermissionsDocument {
    public static func markdown() -> String {
        var text = """
            # Who may do what

            Generated from `PermissionTable` (`Sources/CordonDomain/Permissions/PermissionTable.swift`) by
            `cordon admin permissions > docs/permissions.md`; a test fails when this file and the table differ.

            A caller is an API key (or, on the pages, a user): its organisation's **kind**, the key's **role**, and
            the organisation's **relation** to the object of the call. A call is allowed when one grant fits all three.
            A caller with no tie to an object that only members, parties or the audience may see gets *not found*
            (404), so ids reveal nothing; any other refusal is *forbidden* (403) and says who may.

            Relations: \(Relation.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")).

            ## Use cases

            | use case | allowed to |
            |---|---|

            """
        for useCase in UseCase.allCases {
            text += "| `\(useCase.rawValue)` (\(useCase.summary)) | \(PermissionTable.grants(useCase).map(\.description).joined(separator: "; or ")) |\n"
        }
        text += "\n## The matrix\n\nEach cell lists the relations in which that kind and role are allowed (`any`: whatever the relation; `–`: never).\n"
        let kinds = OrganisationKind.allCases
        for useCase in UseCase.allCases {
            let relations = PermissionTable.relations(useCase)
            text += "\n### \(useCase.rawValue)\n\n| kind | \(Role.allCases.map(\.rawValue).joined(separator: " | ")) |\n|---|\(String(repeating: "---|", count: Role.allCases.count))\n"
            for kind in kinds {
                let cells = Role.allCases.map { role -> String in
                    let allowed = relations.filter { PermissionTable.decide(useCase, kind: kind, role: role, relation: $0).isAllowed }
                    if allowed.isEmpty { return "–" }
                    if allowed.count == relations.count { return "any" }
                    return allowed.map(\.rawValue).joined(separator: ", ")
                }
                text += "| \(kind.rawValue) | \(cells.joined(separator: " | ")) |\n"
            }
        }
        return text
    }
}
