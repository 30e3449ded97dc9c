import Controller
import Foundation
import Logging

/// One controller of an HA group coordinated through etcd: mastership per datapath,
/// and the group's policy.
///
/// Mastership: key `PREFIX/master/DPID` (16 hex digits) holds the master's `NAME/LEASE`,
/// created only if absent and bound to this instance's lease of `ttl` seconds, renewed
/// every `interval`. A master that dies loses its keys when its lease expires, and the
/// standby, which tries every interval, takes them over. A master that cannot reach
/// etcd keeps its switches until its lease may have expired (`ttl` less a margin after
/// the last renewal began), then is slave on every switch, logging loudly: no second
/// master can appear before the first has let go, and each switch demotes its old
/// master on a new one's role request anyway.
///
/// Policy: `PREFIX/policy/firewall` (a firewall rules file's text) and
/// `PREFIX/policy/static` (a static flows file's), read every interval; a changed
/// value that parses replaces the apps' policy on every instance of the group (one
/// that does not is logged and the policy in force stays).
///
/// Runs on its own thread (each etcd call is a short `etcdctl` run); the loop trades
/// the connected datapaths for what the group decided with `exchange`.
final class EtcdGroup: @unchecked Sendable {
    struct Options {
        var endpoints: String
        var prefix: String
        var name: String
        var ttl: Int
        var interval: TimeInterval = 0.25
    }

    /// What the loop is to do: be master of these datapaths (slave of the others), and
    /// put in force the policy that changed, if any.
    struct Decision {
        var mastered: Set<DatapathID>
        var firewall: FirewallPolicy?
        var staticFlows: StaticFlows?
    }

    private let options: Options
    private let etcd: EtcdCtl
    private let logger: Logger
    private let lock = NSLock()
    // Guarded by `lock`: shared with the loop thread.
    private var connected: [DatapathID] = []
    private var mastered: Set<DatapathID> = []
    /// When the lease may have expired for all we know: `exchange` gives no mastership
    /// from then on, even while this thread still waits on a hung etcdctl.
    private var validUntil: TimeInterval = 0
    private var newFirewall: FirewallPolicy?
    private var newStaticFlows: StaticFlows?
    private var stopping = false
    // The election thread's own.
    private var lease: String?
    private var renewedAt: TimeInterval = 0
    private var steppedDown = false
    private var policyText: [String: String] = [:]

    init(options: Options, logger: Logger) {
        self.options = options
        etcd = EtcdCtl(endpoints: options.endpoints)
        self.logger = logger
    }

    var firewallKey: String { options.prefix + "/policy/firewall" }
    var staticFlowsKey: String { options.prefix + "/policy/static" }

    /// The loop's side: the datapaths connected now in, the group's decision out.
    func exchange(connected datapaths: [DatapathID]) -> Decision {
        let now = ProcessInfo.processInfo.systemUptime
        return withLock {
            connected = datapaths
            let decision = Decision(
                mastered: now < validUntil ? mastered : [], firewall: newFirewall, staticFlows: newStaticFlows)
            newFirewall = nil
            newStaticFlows = nil
            return decision
        }
    }

    /// Runs until `stop`, then gives up every key this instance holds, so the standby
    /// takes over at once instead of after the lease.
    func run() {
        while !withLock({ stopping }) {
            cycle()
            Thread.sleep(forTimeInterval: options.interval)
        }
        let held = replaceMastered(with: [])
        if let lease {
            for datapath in held { etcd.delete(key(datapath), ifValue: value(lease)) }
            _ = etcd.run(["lease", "revoke", lease])
        }
    }

    func stop() { withLock { stopping = true } }

    private func cycle() {
        // The time before the call: etcd extends the lease later than that, so a lease
        // counted from here expires in etcd no sooner than we count.
        let start = ProcessInfo.processInfo.systemUptime
        if let current = lease {
            if etcd.keepAlive(current) {
                renewedAt = start
            } else if ProcessInfo.processInfo.systemUptime - renewedAt > Double(options.ttl) {
                lease = nil  // etcd has expired it by now: a new one once etcd answers
            }
        } else if let granted = etcd.grantLease(ttl: options.ttl) {
            lease = granted
            renewedAt = start
            logger.info("etcd: lease \(granted) (\(options.ttl) s) as \(options.name)")
        }
        let margin = max(0.5, Double(options.ttl) / 4)
        withLock { validUntil = renewedAt == 0 ? 0 : renewedAt + Double(options.ttl) - margin }
        let now = ProcessInfo.processInfo.systemUptime
        guard let lease, now - renewedAt < Double(options.ttl) - margin else {
            stepDown(since: now - renewedAt)
            return
        }
        guard let values = etcd.values(under: options.prefix + "/") else { return }
        readPolicy(values)
        elect(values, lease: lease)
        if steppedDown {
            steppedDown = false
            logger.notice("etcd: reachable again")
        }
    }

    /// Takes the key of every connected datapath no one holds; lets go of those no
    /// longer connected.
    private func elect(_ values: [String: String], lease: String) {
        let wanted = withLock { connected }
        let mine = value(lease)
        var elected: Set<DatapathID> = []
        for datapath in wanted {
            let key = key(datapath)
            if values[key] == mine || (values[key] == nil && etcd.create(key, mine, lease: lease)) {
                elected.insert(datapath)
            }
        }
        let before = replaceMastered(with: elected)
        for datapath in before.subtracting(elected) where !wanted.contains(datapath) {
            etcd.delete(key(datapath), ifValue: mine)  // gone from us: let the standby have it
        }
        for datapath in elected.subtracting(before) { logger.info("etcd: master of datapath \(datapath)") }
        for datapath in before.subtracting(elected) { logger.info("etcd: no longer master of datapath \(datapath)") }
    }

    /// Parses a policy value that changed since the last look.
    private func readPolicy(_ values: [String: String]) {
        for key in [firewallKey, staticFlowsKey] {
            guard let text = values[key], text != policyText[key] else { continue }
            policyText[key] = text
            do throws(ConfigError) {
                if key == firewallKey {
                    let policy = try FirewallPolicy(parsing: text)
                    withLock { newFirewall = policy }
                    logger.info("etcd: firewall policy from \(key): \(policy.rules.count) rules, default \(policy.defaultVerdict)")
                } else {
                    let flows = try StaticFlows(parsing: text)
                    withLock { newStaticFlows = flows }
                    logger.info("etcd: static flows from \(key): \(flows.flows.count) flows")
                }
            } catch {
                logger.error("etcd: \(key): \(error); the policy in force stays")
            }
        }
    }

    /// etcd has not renewed the lease for too long: slave everywhere.
    private func stepDown(since silence: TimeInterval) {
        let held = replaceMastered(with: [])
        guard !steppedDown else { return }
        steppedDown = true
        let why = renewedAt == 0 ? "no lease yet" : "lease not renewed for " + String(format: "%.1f", silence) + " s"
        logger.error("""
            etcd: \(why) (etcd at \(options.endpoints) unreachable?): slave on every switch \
            (\(held.count) mastered until now) until it answers
            """)
    }

    private func key(_ datapath: DatapathID) -> String {
        let hex = String(datapath.rawValue, radix: 16)
        return options.prefix + "/master/" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    private func value(_ lease: String) -> String { options.name + "/" + lease }

    /// Sets the mastered datapaths; returns those mastered until now.
    private func replaceMastered(with new: Set<DatapathID>) -> Set<DatapathID> {
        withLock {
            let old = mastered
            mastered = new
            return old
        }
    }

    private func withLock<R>(_ body: () -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
