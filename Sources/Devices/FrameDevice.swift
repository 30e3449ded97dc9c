import Wire

/// A network device that moves whole Ethernet frames: what a loop needs from below to
/// run a datapath port or a TCP/IP stack. A packet socket, a tap device, a pcap file, an
/// in-memory wire and (in the unikernel) Xen netfront each implement it.
///
/// It exposes no descriptor: whoever creates a device registers its readiness with the
/// platform under a token, and the loop calls `receive` when that token is ready.
/// Neither call may allocate per frame.
public protocol FrameDevice: AnyObject {
    /// The address our side of the device uses as its source.
    var macAddress: MACAddress { get }
    /// The largest IP packet the device carries (Ethernet payload, header excluded).
    var mtu: Int { get }
    /// The room one frame needs in a receive batch's slot: more than the MTU allows when
    /// the device coalesces (a tap with offloads hands over 64 KB TCP frames).
    var largestFrame: Int { get }
    /// The largest IPv4 packet (headers included) the device cuts into MTU-sized TCP
    /// segments itself, finishing their checksums (`FrameOffload`); 0 when it cannot.
    /// A stack that knows this writes one large segment where it would write dozens.
    var segmentationOffload: Int { get }
    /// Reads the frames waiting, up to the batch's capacity; returns how many were read
    /// (fewer than the capacity: nothing more is waiting).
    func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int
    /// Sends every frame of `batch` and empties it; returns how many went out (the rest
    /// were dropped because the device is congested).
    func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int
    /// Whether frames can flow: administratively up and with carrier.
    func isLinkUp() -> Bool
    /// Frames lost before they could be read since the last call (a full kernel queue):
    /// a switch port's rx_dropped, polled with the link state.
    func takeDrops() -> UInt64
    /// Releases the device (a tap we created disappears); safe to call twice.
    func close()
}

extension FrameDevice {
    /// An Ethernet frame of the MTU with a VLAN tag.
    public var largestFrame: Int { mtu + 18 }
    /// Devices that send frames as they are.
    public var segmentationOffload: Int { 0 }
    /// Devices that hold nothing to release.
    public func close() {}
    /// Devices that lose nothing before it is read.
    public func takeDrops() -> UInt64 { 0 }
}
