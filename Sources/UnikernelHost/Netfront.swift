import CUnikernel
import CXen
import Devices
import Wire

/// Why a vif could not be brought up.
public enum NetfrontError: Error {
    case noSuchInterface
    case store(XenStoreError)
    case backendNeverConnected(state: Int)
}

/// A Xen virtual network interface (vif) as a `FrameDevice`: the frontend half of the
/// split driver. Set-up follows the xenbus handshake through xenstore; data moves over
/// two shared rings. Every receive buffer and transmit page is granted once at set-up
/// and reused, so a frame costs two copies and no allocation: the backend copies into
/// a posted receive page (request-rx-copy), and a transmitted frame is copied into a
/// free transmit page the backend reads.
///
/// Checksum offload is declined (`feature-no-csum-offload`), so the backend hands over
/// complete checksums; scatter-gather and GSO are not offered, so every frame fits one
/// page. The MTU is 1500.
public final class Netfront: FrameDevice {
    public let macAddress: MACAddress
    public var mtu: Int { 1500 }
    public let index: Int
    /// The event channel the backend signals; register it with the platform.
    public let port: UInt32
    private let channels: EventChannels
    private var tx = netif_tx_front_ring_t()
    private var rx = netif_rx_front_ring_t()
    private let txPages: UnsafeMutableRawPointer
    private let rxPages: UnsafeMutableRawPointer
    private var txGrants: [grant_ref_t]
    private var rxGrants: [grant_ref_t]
    /// Transmit slots not in flight, as a stack of ids.
    private var txFree: [UInt16]
    private let slots: Int
    /// Frames the backend reported as errors or dropped, and received frames we dropped.
    public private(set) var transmitErrors: UInt64 = 0
    public private(set) var receiveErrors: UInt64 = 0
    /// Nanoseconds set-up spent waiting for the backend (dom0's netback and its hotplug
    /// script) to reach InitWait and then Connected: boot time that is not ours.
    public private(set) var backendWait: UInt64 = 0

    /// Connects vif `index` (`device/vif/INDEX` in our xenstore directory).
    public init(index: Int, store: XenStore, grants: GrantTable, platform: XenPlatform) throws(NetfrontError) {
        guard let channels = platform.channels else { throw .noSuchInterface }
        self.index = index
        self.channels = channels
        let node = "device/vif/" + String(index)
        guard let backend = store.read(node + "/backend"), let backendID = store.read(node + "/backend-id"),
            let macText = store.read(node + "/mac"), let mac = MACAddress(macText), let domain = UInt16(backendID)
        else { throw .noSuchInterface }
        macAddress = mac

        let txShared = uk_alloc_pages(1)!.assumingMemoryBound(to: netif_tx_sring.self)
        let rxShared = uk_alloc_pages(1)!.assumingMemoryBound(to: netif_rx_sring.self)
        uk_netif_tx_init(txShared, &tx)
        uk_netif_rx_init(rxShared, &rx)
        slots = Int(min(uk_netif_tx_size(&tx), uk_netif_rx_size(&rx)))
        txPages = uk_alloc_pages(slots)!
        rxPages = uk_alloc_pages(slots)!
        txGrants = []
        rxGrants = []
        txFree = []
        for slot in 0..<slots {
            txGrants.append(grants.grant(page: txPages + slot * 4096, to: domain, readOnly: true))
            rxGrants.append(grants.grant(page: rxPages + slot * 4096, to: domain, readOnly: false))
            txFree.append(UInt16(slots - 1 - slot))
        }
        let txRef = grants.grant(page: UnsafeMutableRawPointer(txShared), to: domain, readOnly: false)
        let rxRef = grants.grant(page: UnsafeMutableRawPointer(rxShared), to: domain, readOnly: false)
        port = channels.allocateUnbound(remote: domain)
        for slot in 0..<slots { postReceive(id: UInt16(slot)) }
        _ = uk_netif_rx_push(&rx)

        do throws(XenStoreError) {
            // xenstored's answers within the waits are counted by the store itself.
            var started = store.now &- store.answerWait
            try Self.waitForState(store, backend + "/state", atLeast: 2)  // InitWait
            backendWait = store.now &- store.answerWait &- started
            while true {
                let t = try store.startTransaction()
                try store.write(node + "/tx-ring-ref", String(txRef), transaction: t)
                try store.write(node + "/rx-ring-ref", String(rxRef), transaction: t)
                try store.write(node + "/event-channel", String(port), transaction: t)
                try store.write(node + "/request-rx-copy", "1", transaction: t)
                try store.write(node + "/feature-rx-notify", "1", transaction: t)
                try store.write(node + "/feature-no-csum-offload", "1", transaction: t)
                try store.write(node + "/feature-sg", "0", transaction: t)
                try store.write(node + "/feature-gso-tcpv4", "0", transaction: t)
                try store.write(node + "/state", "4", transaction: t)  // Connected
                if try store.endTransaction(t) { break }
            }
            started = store.now &- store.answerWait
            try Self.waitForState(store, backend + "/state", atLeast: 4)
            backendWait &+= store.now &- store.answerWait &- started
        } catch {
            throw .store(error)
        }
        channels.notify(port)
    }

    /// Waits (on a watch) until the backend's xenbus state reaches `state`.
    private static func waitForState(_ store: XenStore, _ path: String, atLeast state: Int) throws(XenStoreError) {
        try store.watch(path, token: "netfront")
        defer { try? store.unwatch(path, token: "netfront") }
        let deadline = store.now &+ store.timeout
        while true {
            if let text = store.read(path), let current = Int(text), current >= state { return }
            while store.nextWatchEvent() != nil {}
            if !store.waitForWatchEvent(until: deadline) { throw .timedOut }
        }
    }

    private func postReceive(id: UInt16) {
        let request = uk_netif_rx_request(&rx, rx.req_prod_pvt)!
        request.pointee.id = id
        request.pointee.gref = rxGrants[Int(id)]
        rx.req_prod_pvt &+= 1
    }

    public func isLinkUp() -> Bool { true }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        var reposted = false
        let read = batch.fill { slot -> FrameReceive in
            while true {
                guard rx.rsp_cons != uk_netif_rx_shared_producer(&rx) || uk_netif_rx_more(&rx) != 0 else { return .empty }
                uk_barrier()
                let response = uk_netif_rx_response(&rx, rx.rsp_cons)!.pointee
                rx.rsp_cons &+= 1
                postReceive(id: response.id)
                reposted = true
                let status = Int(response.status)
                // One page per frame: anything chained or carrying extra info was not asked for.
                guard status > 0, response.flags & UInt16(NETRXF_more_data | NETRXF_extra_info) == 0 else {
                    receiveErrors &+= 1
                    continue
                }
                let room = slot.count - FrameBatch.headroom
                guard status <= room else { return .oversized }
                let source = UnsafeRawPointer(rxPages + Int(response.id) * 4096 + Int(response.offset))
                (slot.baseAddress! + FrameBatch.headroom).copyMemory(from: source, byteCount: status)
                return .frame(offset: FrameBatch.headroom, length: status)
            }
        }
        if reposted && uk_netif_rx_push(&rx) != 0 { channels.notify(port) }
        return read
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        reclaim()
        var sent = 0
        batch.storage.withUnsafeBytes { bytes in
            for frame in batch.frames {
                guard frame.count <= 4096, let id = txFree.popLast() else { break }
                let page = txPages + Int(id) * 4096
                page.copyMemory(from: bytes.baseAddress! + frame.lowerBound, byteCount: frame.count)
                let request = uk_netif_tx_request(&tx, tx.req_prod_pvt)!
                request.pointee.gref = txGrants[Int(id)]
                request.pointee.offset = 0
                request.pointee.flags = 0
                request.pointee.id = id
                request.pointee.size = UInt16(frame.count)
                tx.req_prod_pvt &+= 1
                sent += 1
            }
        }
        if sent > 0 && uk_netif_tx_push(&tx) != 0 { channels.notify(port) }
        return sent
    }

    /// Takes back the transmit slots the backend has finished with.
    private func reclaim() {
        while tx.rsp_cons != uk_netif_tx_shared_producer(&tx) || uk_netif_tx_more(&tx) != 0 {
            uk_barrier()
            let response = uk_netif_tx_response(&tx, tx.rsp_cons)!.pointee
            tx.rsp_cons &+= 1
            if response.status == Int16(NETIF_RSP_NULL) { continue }
            if response.status != Int16(NETIF_RSP_OKAY) { transmitErrors &+= 1 }
            txFree.append(response.id)
        }
    }
}
