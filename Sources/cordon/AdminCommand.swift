import ArgumentParser
import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Logging

/// `cordon admin …`: the first organisation and keys, from the shell.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Create the operator, organisations and API keys directly in the hub's database.",
        subcommands: [CreateOperator.self, CreateOrganisation.self, CreateKey.self, CreateUser.self, Permissions.self])

    struct CreateOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-operator",
            abstract: "Create the hub operator (once) and an admin key for it; prints both.",
            discussion: """
                The operator alone creates organisations and sets their kind and member state, \
                seats the operating board, and suspends or reinstates organisations. Run again \
                to print a new operator key.
                """)

        @OptionGroup var storage: DatabaseOptions

        @Option(help: "The operator's name.")
        var name: String = "Hub operator"

        func run() async throws {
            let database = try await storage.open(logger: Logger(label: "cordon"))
            let store = HubStore(database)
            do {
                let (organisation, secret) = try await store.operatorKey(name: name, label: "created by cordon admin")
                print("operator \(organisation.id!.uuidString)\noperator key \(secret)")
            } catch let error as StoreError {
                await database.close()
                throw ValidationError(CreateOrganisation.describe(error))
            }
            await database.close()
        }
    }

    struct Permissions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print who may do what, as docs/permissions.md has it (generated from the permission table).")

        func run() {
            print(PermissionsDocument.markdown(), terminator: "")
        }
    }

    struct CreateOrganisation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-organisation",
            abstract: "Create an organisation and an admin key for it; prints both.")

        @OptionGroup var storage: DatabaseOptions

        @Option(help: "The organisation's name (unique).")
        var name: String

        @Option(help: "platform, authority, referral-unit, trusted-flagger or auditor.")
        var kind: OrganisationKind

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
            guard kind != .operator else { throw ValidationError("--kind operator: the operator is made with `cordon admin create-operator`") }
        }

        func run() async throws {
            let database = try await storage.open(logger: Logger(label: "cordon"))
            let store = HubStore(database)
            do {
                let organisation = try await store.createOrganisation(name: name, kind: kind, by: nil)
                let (_, secret) = try await store.createKey(organisationID: organisation.id!, role: .admin, label: "created by cordon admin", by: nil)
                print("organisation \(organisation.id!.uuidString)\nadmin key \(secret)")
            } catch let error as StoreError {
                await database.close()
                throw ValidationError(Self.describe(error))
            }
            await database.close()
        }

        static func describe(_ error: StoreError) -> String {
            switch error {
            case .notFound(_, let message), .conflict(_, let message), .forbidden(_, let message), .invalid(_, let message): message
            }
        }
    }

    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-key", abstract: "Create an API key for an organisation; prints it once.")

        @OptionGroup var storage: DatabaseOptions

        @Option(help: "The organisation's id.")
        var organisation: String

        @Option(help: "consumer, contributor, admin or auditor.")
        var role: Role

        @Option(help: "A label to recognise the key by.")
        var label: String = ""

        func run() async throws {
            guard let id = UUID(uuidString: organisation) else { throw ValidationError("--organisation must be a UUID") }
            let database = try await storage.open(logger: Logger(label: "cordon"))
            let store = HubStore(database)
            do {
                let (_, secret) = try await store.createKey(organisationID: id, role: role, label: label, by: nil)
                print(secret)
            } catch let error as StoreError {
                await database.close()
                throw ValidationError(CreateOrganisation.describe(error))
            }
            await database.close()
        }
    }

    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user", abstract: "Create a person who signs in to the pages; prints their TOTP secret if asked for one.")

        @OptionGroup var storage: DatabaseOptions

        @Option(help: "The organisation's id.")
        var organisation: String

        @Option(help: "Their name.")
        var name: String

        @Option(help: "Their email: what they sign in with.")
        var email: String

        @Option(help: "consumer, contributor, admin or auditor.")
        var role: Role

        @Flag(help: "Require a second factor: prints the TOTP secret for their authenticator app.")
        var secondFactor = false

        func run() async throws {
            guard let id = UUID(uuidString: organisation) else { throw ValidationError("--organisation must be a UUID") }
            // The password is read from standard input, so it is in no shell history or process list.
            FileHandle.standardError.write(Data("password (at least 10 characters, then Enter): ".utf8))
            let password = readLine(strippingNewline: true) ?? ""
            let database = try await storage.open(logger: Logger(label: "cordon"))
            do {
                let services = try await HubServices(store: HubStore(database))
                let user = try await services.createUser(
                    in: id, try API.command(API.NewUser.self, ["name": name, "email": email, "password": password,
                                                               "role": role.rawValue, "secondFactor": secondFactor]), by: nil)
                print(user.id)
                if let secret = user.totpSecret { print("TOTP secret (shown once): \(secret)") }
            } catch let error as ServiceError {
                await database.close()
                throw ValidationError(error.description)
            }
            await database.close()
        }
    }
}

extension OrganisationKind: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
