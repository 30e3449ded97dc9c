import Scheduler
import Wire

/// An RFC 2131 DHCP client for one Ethernet interface, sans-IO.
///
/// It works at the UDP-payload level: the owner hands it payloads that arrived on port
/// 68 (`receive`), sends what `nextMessage` writes from port 68 to port 67, calls `tick`
/// at `nextDeadline`, and acts on `nextEvent` (configure or drop the address). After
/// each call, drain events and messages, then wait for the next deadline.
public struct DHCPClient: Sendable {
    public static let clientPort: UInt16 = 68
    public static let serverPort: UInt16 = 67
    /// Enough for any message the client writes (the minimum datagram every host must
    /// accept, RFC 791); the longest, a REQUEST with a 255-byte hostname, is 531.
    public static let maximumMessageSize = 576
    /// REQUEST transmissions in REQUESTING before the offer is abandoned (4 s, 8 s, 16 s,
    /// 32 s apart: about a minute, as RFC 2131 section 4.1 suggests).
    static let requestAttempts = 4
    /// Events kept when the owner does not drain them.
    static let eventCapacity = 8

    public let mac: MACAddress
    /// Option 12, sent in DISCOVER and REQUEST when present (cut to 255 bytes).
    public let hostname: [UInt8]?
    public internal(set) var state: DHCPState = .stopped
    /// The lease in use: set in BOUND, RENEWING and REBINDING.
    public internal(set) var lease: DHCPLease?
    public internal(set) var counters = DHCPCounters()

    var random: DHCPRandom
    /// The current exchange's transaction id; replies must carry it.
    var xid: UInt32 = 0
    /// When the current exchange began, for the `secs` field.
    var exchangeStart: Instant = .zero
    /// The address and server taken from an OFFER, while REQUESTING.
    var offer: DHCPOffer?
    var pending: DHCPPendingMessage?
    /// Transmissions of the current message so far; their number sets the backoff.
    var transmissions = 0
    /// When to send the current message again; set once it has gone out.
    var retransmitAt: Instant?
    /// When the first REQUEST of this exchange went out: the lease counts from there.
    var requestSentAt: Instant?
    /// In INIT, when discovery begins again.
    var restartAt: Instant?
    /// NAKs since the last ACK, which stretch the wait before discovering again.
    var consecutiveNaks = 0
    var events: [DHCPEvent] = []

    public init(mac: MACAddress, seed: UInt64, hostname: [UInt8]? = nil) {
        self.mac = mac
        self.hostname = hostname.map { Array($0.prefix(255)) }
        random = DHCPRandom(seed: seed, salt: mac.rawValue)
    }

    /// Begins discovery; does nothing unless stopped.
    public mutating func start(now: Instant) {
        guard state == .stopped else { return }
        beginSelecting(now: now)
    }

    /// The oldest event not yet taken.
    public mutating func nextEvent() -> DHCPEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    // MARK: Transitions shared by input and timers

    mutating func beginSelecting(now: Instant) {
        state = .selecting
        offer = nil
        restartAt = nil
        beginExchange(now: now, xid: random.xid())
    }

    /// A new message to (re)transmit from scratch in the current state.
    mutating func beginExchange(now: Instant, xid: UInt32) {
        self.xid = xid
        exchangeStart = now
        transmissions = 0
        retransmitAt = nil
        requestSentAt = nil
        pending = state == .selecting ? .discover : .request
    }

    /// Back to INIT, dropping any lease and offer; discovery begins after `delay`.
    mutating func restart(now: Instant, after delay: Interval) {
        stop()
        state = .initial
        restartAt = now + delay
        if delay == .zero { beginSelecting(now: now) }
    }

    /// Forgets the lease, the offer and anything waiting to be sent or retransmitted.
    mutating func stop() {
        state = .stopped
        lease = nil
        offer = nil
        pending = nil
        retransmitAt = nil
        restartAt = nil
    }

    mutating func emit(_ event: DHCPEvent) {
        guard events.count < Self.eventCapacity else {
            counters.eventsDropped &+= 1
            return
        }
        events.append(event)
    }
}

/// The address and server an OFFER proposed.
struct DHCPOffer: Equatable, Sendable {
    var address: IPv4Address
    var server: IPv4Address
}

/// The message waiting for `nextMessage`. A REQUEST's contents follow from the state.
enum DHCPPendingMessage: Equatable, Sendable {
    case discover
    case request
    case release(address: IPv4Address, server: IPv4Address)
    case decline(address: IPv4Address, server: IPv4Address)
}
