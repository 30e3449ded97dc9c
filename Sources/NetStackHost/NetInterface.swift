import Devices
import NetStack
import Scheduler
import Wire

/// Our TCP/IP stack on a run loop, over one frame device: the direct deployment's
/// network. Frames read from the device go into `NetStack`; what the stack has to send
/// is written straight into a transmit batch and handed to the device; the stack's
/// timers follow its `nextDeadline`; TCP connections are offered to the appliance loops
/// as `ByteStream`s (`NetTCPStream`, `NetTCPListener`) whose readiness goes through the
/// platform's `SoftReadiness`.
///
/// Whoever creates the device registers its readiness with the platform under
/// `deviceToken` (on Linux: the tap or packet socket's descriptor in epoll; in the
/// unikernel: the netfront event channel). Nothing here allocates per frame.
public final class NetInterface<Device: FrameDevice, P: Platform> {
    public var stack: NetStack
    public let device: Device
    public let loop: RunLoop<P>
    let soft: SoftReadiness
    private var receiveBatch: FrameBatch
    private var transmitBatch: FrameBatch
    private var timer: DeadlineTimer?
    /// The application's view of each open connection, by handle.
    var streams = IntegerDictionary<NetTCPStream<Device, P>>()
    var listeners = IntegerDictionary<NetTCPListener<Device, P>>()
    /// Events that are not a stream's business (UDP, ping replies, conflicts).
    public var onEvent: ((NetEvent) -> Void)?
    var dhcp: DHCPClient?
    var dhcpSocket: UDPSocket?
    /// One datagram, in or out, for the DHCP client; allocated when it starts.
    var dhcpBuffer: [UInt8] = []
    /// DHCP messages the stack could not queue (the client sends them again).
    public internal(set) var dhcpSendFailures: UInt64 = 0
    /// Told of every lease change (bound, renewed, lost).
    public var onLease: ((DHCPEvent) -> Void)?
    /// Device failures seen (the frames of that call are lost; the loop goes on).
    public private(set) var deviceErrors: UInt64 = 0
    public private(set) var lastDeviceError: DeviceError?
    /// Frames the device refused because its queue was full.
    public private(set) var transmitDrops: UInt64 = 0
    /// Frames too long for a receive slot, dropped by the device.
    public private(set) var receiveOversized: UInt64 = 0

    /// A read that stopped with frames still waiting asks for another on the next turn.
    private var rereadQueued = false

    /// Frames per device read, and per device write.
    public static var batchSize: Int { 32 }

    public init(device: Device, stack: NetStack, loop: RunLoop<P>, soft: SoftReadiness, deviceToken: UInt64) {
        self.device = device
        self.stack = stack
        self.stack.segmentationOffload = device.segmentationOffload
        self.loop = loop
        self.soft = soft
        // With segmentation offload a slot holds the largest segment the device cuts up.
        let transmitSlot = FrameBatch.headroom + max(self.stack.minimumTransmitBuffer, device.mtu + 18)
        receiveBatch = FrameBatch(capacity: Self.batchSize, slotSize: FrameBatch.headroom + device.largestFrame)
        transmitBatch = FrameBatch(capacity: Self.batchSize, slotSize: transmitSlot)
        loop.register(token: deviceToken) { _ in self.deviceReady() }
        timer = DeadlineTimer { now in
            self.stack.tick(now: now)
            self.afterInput(now: now)
        }
    }

    /// Link up: probes and announces our address (RFC 5227) and starts the timers.
    public func start() {
        let now = loop.now
        stack.start(now: now)
        afterInput(now: now)
    }

    /// Reads what the device has, up to a few batches, then sends what that produced.
    /// When the batches ran out before the frames did, another read follows on the next
    /// turn: a device whose wake-ups are edges (Xen netfront re-arms its notification
    /// only once its ring is empty) would otherwise never be reported ready again.
    func deviceReady() {
        let now = loop.now
        var drained = false
        for _ in 0..<8 {
            let read: Int
            do throws(DeviceError) {
                read = try device.receive(into: &receiveBatch)
            } catch {
                deviceErrors &+= 1
                lastDeviceError = error
                drained = true  // not retried at once: a failing device would spin the loop
                break
            }
            receiveOversized &+= UInt64(receiveBatch.oversized)
            let storage = receiveBatch.storage
            for frame in receiveBatch.frames {
                stack.receive(frame: storage[frame], now: now)
            }
            // What this batch produced goes out now: the stack's output queue is
            // bounded (`NetStackLimits.outputFrames`) below a whole readiness's frames.
            flush(now: now)
            if read < receiveBatch.capacity {
                drained = true
                break
            }
        }
        afterInput(now: now)
        if !drained && !rereadQueued {
            rereadQueued = true
            loop.enqueue {
                self.rereadQueued = false
                self.deviceReady()
            }
        }
    }

    /// After anything that may have produced output or events: dispatch the events,
    /// send the frames, and follow the stack's next deadline.
    func afterInput(now: Instant) {
        dispatchEvents(now: now)
        flush(now: now)
        switch Self.deadlines(&stack, &dhcp) {
        case (let a?, let b?): timer?.arm(at: min(a, b), on: loop)
        case (let a?, nil), (nil, let a?): timer?.arm(at: a, on: loop)
        case (nil, nil): break
        }
    }

    /// Reads the stack in place. A non-mutating call on a struct held in a class property
    /// copies the whole struct first (every reference in it retained, then released)
    /// where there are no exclusivity checks to rely on, as in Embedded Swift; through
    /// `inout` it is read where it is. For reads on the paths every input takes.
    func readStack<R>(_ body: (inout NetStack) -> R) -> R { body(&stack) }

    /// The stack's next deadline and the DHCP client's (read in place, as `readStack`).
    private static func deadlines(_ stack: inout NetStack, _ dhcp: inout DHCPClient?) -> (Instant?, Instant?) {
        (stack.nextDeadline, dhcp?.nextDeadline)
    }

    /// Sends everything the stack has queued, a batch per device call; a large TCP frame
    /// carries what the device must do with it (see `FrameDevice.segmentationOffload`).
    public func flush(now: Instant) {
        while true {
            let wrote = transmitBatch.appendWriting { buffer, offload in stack.transmit(into: buffer, now: now, offload: &offload) }
            if transmitBatch.isFull || (!wrote && !transmitBatch.frames.isEmpty) {
                let count = transmitBatch.frames.count
                do throws(DeviceError) {
                    let sent = try device.transmit(&transmitBatch)
                    transmitDrops &+= UInt64(count - sent)
                } catch {
                    deviceErrors &+= 1
                    lastDeviceError = error
                    transmitBatch.reset()
                }
            }
            if !wrote { return }
        }
    }

    private func dispatchEvents(now: Instant) {
        while let event = stack.tcp.nextEvent() {
            switch event {
            case .acceptable(let listener):
                listeners[UInt64(listener.port)]?.hasWaiting = true
            case .connected(let handle):
                streams[handle.key]?.connected = true
            case .readable(let handle), .peerClosed(let handle):
                streams[handle.key]?.readHint = true
            case .writable(let handle):
                streams[handle.key]?.writeHint = true
            case .closed(let handle, let reason):
                streams.removeValue(forKey: handle.key)?.ended(reason)
            }
        }
        while let event = stack.nextEvent() {
            if case .udpReadable(let socket) = event, socket == dhcpSocket {
                receiveDHCP(now: now)
            } else {
                if case .addressInUse(let address, _) = event { dhcp?.decline(address, now: now) }
                onEvent?(event)
            }
        }
        runDHCP(now: now)
    }
}

extension TCPHandle {
    /// The handle as one integer, the key of `NetInterface.streams`.
    var key: UInt64 { UInt64(index) << 32 | UInt64(generation) }
}
