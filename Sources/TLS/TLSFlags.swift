import ArgumentParser

/// The TLS flags every tool takes, spelled as Open vSwitch and ovs-testcontroller spell
/// them: all three files for an `ssl:` or `pssl:` target, none otherwise.
public struct TLSFlags: ParsableArguments {
    @Option(name: .customLong("private-key"), help: ArgumentHelp("PEM private key for ssl:/pssl: targets.", valueName: "FILE"))
    public var privateKey: String?

    @Option(name: .customLong("certificate"), help: ArgumentHelp("PEM certificate for that key (ovs-pki's NAME-cert.pem).", valueName: "FILE"))
    public var certificate: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM certificate of the CA that signs the peers' certificates.", valueName: "FILE"))
    public var caCertificate: String?

    public init() {}

    /// Checks the flags against whether a TLS target was named (`target` says which,
    /// for the message).
    public func validate(tlsTarget target: String?) throws {
        let given = [privateKey, certificate, caCertificate].compactMap { $0 }.count
        if let target, given < 3 {
            throw ValidationError("\(target) needs --private-key, --certificate and --ca-cert")
        }
        if target == nil, given > 0 {
            throw ValidationError("--private-key, --certificate and --ca-cert are for ssl: and pssl: targets, and none is named")
        }
    }

    /// The loaded context for `side`, or nil when no files were given. A file that
    /// cannot be used is a usage error (exit 64) naming the file and OpenSSL's reason.
    public func context(side: TLSContext.Side, allowedSubjects: [String] = []) throws -> TLSContext? {
        guard let privateKey, let certificate, let caCertificate else { return nil }
        do throws(TLSError) {
            return try TLSContext(
                side: side,
                files: .init(privateKey: privateKey, certificate: certificate, caCertificate: caCertificate),
                allowedSubjects: allowedSubjects)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
