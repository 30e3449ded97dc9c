/// What the toolstack asks of the domain through `control/shutdown` (`xl shutdown`,
/// `xl reboot`): read on a watch, acknowledged by clearing the node as Linux does.
public final class ShutdownRequests {
    public enum Request: Equatable {
        case poweroff, reboot, suspend
    }

    private let store: XenStore

    public init(store: XenStore) throws(XenStoreError) {
        self.store = store
        try store.write("control/feature-poweroff", "1")
        try store.write("control/feature-reboot", "1")
        try store.watch("control/shutdown", token: "shutdown")
    }

    /// The request waiting, if any; call when the store's port fires.
    public func pending() -> Request? {
        store.poll()
        var fired = false
        while let event = store.nextWatchEvent() {
            if event.token == Array("shutdown".utf8) { fired = true }
        }
        guard fired, let value = try? store.readBytes("control/shutdown"), !value.isEmpty else { return nil }
        try? store.write("control/shutdown", "")
        // Bytes, not String comparison: that would pull Unicode tables into the image.
        if value.elementsEqual("poweroff".utf8) || value.elementsEqual("halt".utf8) { return .poweroff }
        if value.elementsEqual("reboot".utf8) { return .reboot }
        if value.elementsEqual("suspend".utf8) { return .suspend }
        return nil
    }
}
