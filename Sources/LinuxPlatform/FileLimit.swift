import Glibc

/// Raises the soft limit on open descriptors to the hard limit, so one loop can hold
/// thousands of connections without the operator tuning `ulimit -n`. Returns the new
/// soft limit.
@discardableResult
public func raiseFileLimit() throws(SocketError) -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw .last(.fileLimit) }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw .last(.fileLimit) }
    }
    return Int(clamping: limit.rlim_cur)
}
