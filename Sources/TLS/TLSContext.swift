import COpenSSL
import Glibc

/// One side's TLS configuration, loaded once and shared by every connection (and every
/// loop thread: an OpenSSL context is safe to share once built): our private key and
/// certificate, the CA the peer's certificate must be signed by, and optionally the
/// certificate subjects allowed in.
///
/// The settings are fixed, as Open vSwitch's are: TLS 1.2 and 1.3 only, ECDHE with AEAD
/// ciphers only, the peer's certificate required, no renegotiation, no resumption.
/// Host names are not checked, as in Open vSwitch: the CA is the trust anchor.
public final class TLSContext: @unchecked Sendable {
    public enum Side: Sendable { case server, client }

    /// The three PEM files Open vSwitch's `--private-key`, `--certificate` and
    /// `--ca-cert` name.
    public struct Files: Sendable, Equatable {
        public var privateKey: String
        public var certificate: String
        public var caCertificate: String

        public init(privateKey: String, certificate: String, caCertificate: String) {
            self.privateKey = privateKey
            self.certificate = certificate
            self.caCertificate = caCertificate
        }
    }

    let context: OpaquePointer
    public let side: Side
    /// Certificate subjects (Common Names) let in; empty lets in every certificate the
    /// CA signed. A trailing `*` matches any rest ("sw id:*").
    public let allowedSubjects: [String]

    /// Loads the files; throws a `TLSError` naming the file and OpenSSL's reason.
    public init(side: Side, files: Files, allowedSubjects: [String] = []) throws(TLSError) {
        TLSStream.installIO
        // OpenSSL says only "system lib" for a file it cannot open: say which and why.
        for (what, path) in [("private key", files.privateKey), ("certificate", files.certificate), ("CA certificate", files.caCertificate)] {
            guard access(path, R_OK) == 0 else {
                throw TLSError("cannot read the " + what + " file " + path + ": " + String(cString: strerror(errno)))
            }
        }
        var error = [CChar](repeating: 0, count: 512)
        guard let context = c_openssl_context_new(
            side == .server ? 1 : 0, files.privateKey, files.certificate, files.caCertificate, &error, error.count)
        else {
            throw TLSError(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        self.context = context
        self.side = side
        self.allowedSubjects = allowedSubjects
    }

    /// Takes an OpenSSL context built elsewhere (tests: a client with no certificate).
    init(side: Side, taking context: OpaquePointer, allowedSubjects: [String] = []) {
        TLSStream.installIO
        self.context = context
        self.side = side
        self.allowedSubjects = allowedSubjects
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// True when a peer certificate with Common Name `name` may connect.
    public func allows(subject name: String) -> Bool {
        guard !allowedSubjects.isEmpty else { return true }
        return allowedSubjects.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }
}

/// A TLS configuration that could not be loaded: which file, and why.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
