import Foundation

/// etcd through `etcdctl`, the etcd project's own v3 client (Debian's etcd-client):
/// no Swift etcd client is available here, and hand-writing one is what the issue
/// rules out. Each call is one short `etcdctl` run with short timeouts (and killed
/// after 2 s), so a dead cluster costs a second or two per call, and nothing outlives
/// this process (a long-lived
/// keep-alive child would keep our lease alive after a SIGKILL).
struct EtcdCtl {
    let endpoints: String

    /// `etcdctl` on the PATH, or nil when it is not installed.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("etcdctl") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The output of one etcdctl command, or nil when it failed (etcd unreachable, a
    /// lease not found, ...); `stdin` is fed to it first.
    func run(_ arguments: [String], stdin: String? = nil) -> String? {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--endpoints=" + endpoints, "--dial-timeout=1s", "--command-timeout=1s"] + arguments
        process.environment = ["ETCDCTL_API": "3"]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        do { try process.run() } catch { return nil }
        // etcdctl's own timeouts do not cover every command (lease keep-alive --once
        // waits for ever on a dead cluster): a run gets 2 s, then it is killed.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 2, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A new lease of `ttl` seconds: its hexadecimal id.
    func grantLease(ttl: Int) -> String? {
        // "lease 694d7e1fa3c5a70b granted with TTL(2s)"
        guard let line = run(["lease", "grant", String(ttl)]) else { return nil }
        let words = line.split(separator: " ")
        return words.count > 1 && words[0] == "lease" ? String(words[1]) : nil
    }

    /// Renews a lease once; false when etcd is unreachable or the lease is gone.
    func keepAlive(_ lease: String) -> Bool {
        run(["lease", "keep-alive", "--once", lease])?.contains("keepalived") ?? false
    }

    /// Every key under `prefix` with its value (JSON output: values may span lines).
    func values(under prefix: String) -> [String: String]? {
        guard let text = run(["get", "--prefix", prefix, "--write-out=json"]),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        var result: [String: String] = [:]
        for entry in object["kvs"] as? [[String: Any]] ?? [] {
            guard let key = (entry["key"] as? String).flatMap({ Data(base64Encoded: $0) }) else { continue }
            let value = (entry["value"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
            result[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
        }
        return result
    }

    /// Puts `key` = `value` on `lease` only if the key does not exist; true when it did not.
    func create(_ key: String, _ value: String, lease: String) -> Bool {
        let txn = "create(\"\(key)\") = \"0\"\n\nput \(key) \(value) --lease=\(lease)\n\n\n"
        return run(["txn"], stdin: txn)?.hasPrefix("SUCCESS") ?? false
    }

    /// Deletes `key` only if its value is `value`.
    func delete(_ key: String, ifValue value: String) {
        _ = run(["txn"], stdin: "value(\"\(key)\") = \"\(value)\"\n\ndel \(key)\n\n\n")
    }
}
