import Switch

/// One `--queue PORT:QUEUE[:MIN_RATE]` value: a queue ENQUEUE can select on a port.
struct QueueSpec {
    var port: Int
    var queue: PortQueue

    /// nil unless PORT is a number, QUEUE a queue id below OFPQ_ALL (0xffffffff), and
    /// MIN_RATE, if given, at most 1000 (tenths of a percent).
    init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let port = Int(parts[0]), let queueID = UInt32(parts[1]),
            queueID != .max
        else { return nil }
        var minRate: UInt16?
        if parts.count == 3 {
            guard let rate = UInt16(parts[2]), rate <= 1000 else { return nil }
            minRate = rate
        }
        self.port = port
        queue = PortQueue(queueID: queueID, minRate: minRate)
    }
}
