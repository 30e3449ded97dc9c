import OpenFlow
import Scheduler

/// Received messages, by channel phase.
///
/// Before the peer's HELLO only HELLO and ECHO_REQUEST are valid; anything else fails
/// the handshake (HELLO_FAILED, then close). Between HELLO and FEATURES_REPLY echoes are
/// answered, an error answering our FEATURES_REQUEST closes the connection, and
/// asynchronous messages are dropped: packet_ins are counted in `drops` (the switch
/// sends the next packet of that flow again) and port changes are in the
/// FEATURES_REPLY to come. Once up, everything reaches the apps.
extension Session {
    /// Reads and handles the next whole message.
    mutating func receiveNext(_ shared: inout Shared) -> Outcome {
        guard !channel.isClosing else { return .needInput }
        let frame: ArraySlice<UInt8>
        do throws(OpenFlowError) {
            guard let next = try framer.next() else { return .needInput }
            frame = next
            shared.totals.messagesIn &+= 1
            shared.totals.messagesInByType.count(Int(frame[frame.startIndex + 1]))
        } catch {
            // Answer the header that broke the stream (BAD_LEN), then give up on it.
            if let header = framer.brokenHeader { reject(header, error.errorCode, reason: error.specName, &shared) }
            close(.warning, "stream cannot be resynchronised (" + error.specName + ")", &shared)
            return .closed
        }
        let message: OpenFlowMessage
        do throws(OpenFlowError) {
            message = try OpenFlowMessage.decode(frame)
        } catch {
            reject(frame, error.errorCode, reason: error.specName, &shared)
            return .handled
        }
        switch channel.phase {
        case .up: return handleUp(message, frame, &shared)
        case .handshaking: return handleBeforeFeatures(message, frame, &shared)
        case .awaitingHello: return handleBeforeHello(message, &shared)
        case .closing: return .needInput
        }
    }

    /// Answers a message we cannot take with OFPT_ERROR (see `OpenFlowChannel.rejection`).
    mutating func reject(_ frame: ArraySlice<UInt8>, _ code: ErrorCode?, reason: String, _ shared: inout Shared) {
        shared.log(.warning, name + ": rejected " + Header(peeking: frame).type.displayName + ": " + reason)
        guard let error = OpenFlowChannel.rejection(of: frame, code) else { return }
        if write(error, &shared) { shared.countErrorSent(error) }
    }

    /// Only the channel's messages are taken before the peer's HELLO; once it agrees,
    /// FEATURES_REQUEST goes out.
    private mutating func handleBeforeHello(_ message: OpenFlowMessage, _ shared: inout Shared) -> Outcome {
        switch channel.receive(message) {
        case .agreed:
            featuresXID = shared.nextXID()
            _ = write(OpenFlowMessage(xid: featuresXID, .featuresRequest), &shared)
        case .reply(let reply):
            _ = write(reply, &shared)
        case .refused(let error, let reason):
            if write(error, &shared) { shared.countErrorSent(error) }
            close(.warning, "handshake failed: " + reason, &shared)
            return .closed
        case .absorbed, .deliver:
            break
        }
        return .handled
    }

    private mutating func handleBeforeFeatures(
        _ message: OpenFlowMessage, _ frame: ArraySlice<UInt8>, _ shared: inout Shared
    ) -> Outcome {
        guard !handleChannel(message, frame, &shared) else { return .handled }
        switch message.message {
        case .featuresReply(let features):
            return completeHandshake(features, &shared)
        case .error(let error) where message.xid == featuresXID:
            shared.totals.errorsReceived &+= 1
            close(.warning, "FEATURES_REQUEST refused: " + error.code.specName, &shared)
            return .closed
        case .packetIn:
            shared.totals.packetIns &+= 1
            shared.totals.packetInsDropped &+= 1
            shared.totals.drops &+= 1
        default:
            shared.log(.debug, name + ": ignored " + message.type.displayName + " before FEATURES_REPLY")
        }
        return .handled
    }

    /// What every phase after HELLO treats alike: the channel's messages (repeated
    /// HELLOs, echoes) and messages only a controller sends. True when the message was
    /// one of those.
    private mutating func handleChannel(_ message: OpenFlowMessage, _ frame: ArraySlice<UInt8>, _ shared: inout Shared) -> Bool {
        switch channel.receive(message) {
        case .deliver:
            break
        case .reply(let reply):
            _ = write(reply, &shared)
            return true
        case .absorbed, .agreed, .refused:
            return true
        }
        switch message.message {
        case .featuresRequest, .getConfigRequest, .setConfig, .packetOut, .flowMod, .portMod,
            .statsRequest, .barrierRequest, .queueGetConfigRequest:
            reject(frame, .badType, reason: "a controller-to-switch message", &shared)
            return true
        default:
            return false
        }
    }

    private mutating func completeHandshake(_ features: SwitchFeatures, _ shared: inout Shared) -> Outcome {
        let info = DatapathInfo(id: DatapathID(features.datapathID), connection: id, features: features)
        datapath = info
        channel.handshakeCompleted()
        shared.noteDeadline(shared.now + shared.settings.echoInterval)
        let config = SwitchConfig(missSendLength: shared.settings.missSendLength)
        _ = write(OpenFlowMessage(xid: shared.nextXID(), .setConfig(config)), &shared)
        shared.log(
            .info,
            name + " up" + (peer.map { " from " + $0 } ?? "") + ": " + String(info.ports.count) + " ports, "
                + String(info.bufferCount) + " buffers, " + String(info.tableCount) + " tables")
        return .up(info)
    }

    /// A message from a datapath that is up: the event for the apps.
    private mutating func handleUp(_ message: consuming OpenFlowMessage, _ frame: ArraySlice<UInt8>, _ shared: inout Shared) -> Outcome {
        let datapath = datapath!.id
        let (version, xid) = (message.version, message.xid)
        // Moved out, not copied: this is the packet_in path.
        let body = (consume message).message
        switch consume body {
        case .packetIn(let packetIn):
            shared.totals.packetIns &+= 1
            guard output.count < shared.settings.outputHighWater else {
                shared.totals.packetInsDropped &+= 1
                shared.totals.drops &+= 1
                return .handled
            }
            return .packetIn(datapath, packetIn)
        case .flowRemoved(let removed):
            return .event(.flowRemoved(datapath, removed), datapath)
        case .portStatus(let status):
            self.datapath!.apply(status)
            return .event(.portStatus(datapath, status), datapath)
        case .statsReply(let reply):
            return statsReply(reply, xid: xid, datapath, &shared)
        case .barrierReply:
            pending[UInt64(xid)] = nil
            return .event(.barrierReply(datapath, xid: xid), datapath)
        case .error(let error):
            shared.totals.errorsReceived &+= 1
            let request = pending.removeValue(forKey: UInt64(xid))?.type ?? Self.echoedType(error, xid: xid)
            shared.log(
                .warning,
                name + ": error " + error.code.specName + (request.map { " answering " + $0.displayName } ?? ""))
            return .event(.error(datapath, xid: xid, error, request: request), datapath)
        case .featuresReply(let features):
            pending[UInt64(xid)] = nil
            self.datapath = DatapathInfo(id: datapath, connection: id, features: features)
            return .event(.message(datapath, OpenFlowMessage(version: version, xid: xid, .featuresReply(features))), datapath)
        case let other:
            let message = OpenFlowMessage(version: version, xid: xid, other)
            guard !handleChannel(message, frame, &shared) else { return .handled }
            pending[UInt64(xid)] = nil
            return .event(.message(datapath, message), datapath)
        }
    }

    private mutating func statsReply(_ reply: StatsReply, xid: UInt32, _ datapath: DatapathID, _ shared: inout Shared) -> Outcome {
        guard var request = pending.removeValue(forKey: UInt64(xid)) else {
            shared.log(.debug, name + ": unsolicited stats reply xid " + String(xid))
            return .handled
        }
        let body = request.accumulate(reply.body)
        guard reply.flags.contains(.replyMore) else { return .event(.statsReply(datapath, xid: xid, body), datapath) }
        guard request.entryCount <= shared.settings.statsEntryLimit else {
            shared.log(.warning, name + ": stats reply xid " + String(xid) + " too large")
            return .event(.requestFailed(datapath, xid: xid, request: request.type, .replyTooLarge), datapath)
        }
        request.partial = body
        pending[UInt64(xid)] = request
        return .handled
    }

    /// The type of our message an untracked error answers, from the header the switch
    /// echoes in the error's data (absent for HELLO_FAILED, whose data is text).
    private static func echoedType(_ error: ErrorMessage, xid: UInt32) -> MessageType? {
        let data = error.data
        guard error.code.type != .helloFailed, data.count >= Header.length else { return nil }
        let header = Header(peeking: data)
        guard header.version == Header.version, header.xid == xid else { return nil }
        return header.type
    }
}
