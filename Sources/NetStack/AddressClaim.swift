import Scheduler
import Wire

/// One address being claimed: when to probe, take and announce it. It only schedules;
/// the stack sends the frames and judges conflicts.
struct AddressClaim {
    enum Step: Equatable {
        case probe
        /// No conflict: the address is ours from now on.
        case take
        case announce
    }

    let address: IPv4Address
    private let settings: AddressProbing
    /// Probing: the address is not ours yet.
    private(set) var isProbing: Bool
    private var sent = 0
    /// When the next step is due; nil once the last announcement went out.
    private(set) var deadline: Instant?

    init(address: IPv4Address, settings: AddressProbing, now: Instant, delay: Interval) {
        self.address = address
        self.settings = settings
        isProbing = settings.probes > 0
        deadline = isProbing ? now + delay : now
    }

    /// The step due at `now`, if any; call until nil.
    mutating func next(now: Instant) -> Step? {
        guard let due = deadline, now >= due else { return nil }
        if isProbing {
            if sent < settings.probes {
                sent &+= 1
                deadline = now + settings.interval
                return .probe
            }
            isProbing = false
            sent = 0
            deadline = now
            return .take
        }
        guard sent < settings.announcements else {
            deadline = nil
            return nil
        }
        sent &+= 1
        deadline = sent < settings.announcements ? now + settings.announceInterval : nil
        return .announce
    }
}
