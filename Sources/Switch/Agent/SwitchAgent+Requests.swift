import OpenFlow
import Scheduler

/// Received messages, by connection phase.
///
/// Before the peer's HELLO only HELLO and ECHO_REQUEST are taken; anything else fails
/// the handshake (HELLO_FAILED, then close), as Open vSwitch does. Once up, requests
/// are answered in order, each completely (its replies and the asynchronous messages
/// it caused queued) before the next is read, so a BARRIER_REPLY follows everything
/// sent before the BARRIER_REQUEST. A message that cannot be decoded, or a request the
/// datapath refuses, is answered with the spec's OFPT_ERROR (its xid and first 64
/// bytes) and the connection goes on; only a stream that cannot be resynchronised (a
/// header length below 8) is closed, after the same error for that header.
extension SwitchAgent {
    mutating func process(_ index: Int, now: Instant) {
        while !sessions[index].channel.isClosing {
            let frame: ArraySlice<UInt8>
            do throws(OpenFlowError) {
                guard let next = try sessions[index].framer.next() else { return }
                frame = next
            } catch {
                // Answer the header that broke the stream (BAD_LEN), then give up on it.
                if let header = sessions[index].framer.brokenHeader { reject(header, error.errorCode, index, reason: error.specName) }
                close(index, .warning, "stream cannot be resynchronised (" + error.specName + ")")
                return
            }
            totals.messagesReceived &+= 1
            handle(frame, index, now: now)
            distributeAsync()
        }
    }

    private mutating func handle(_ frame: ArraySlice<UInt8>, _ index: Int, now: Instant) {
        let message: OpenFlowMessage
        do throws(OpenFlowError) {
            message = try OpenFlowMessage.decode(frame)
        } catch {
            reject(frame, error.errorCode, index, reason: error.specName)
            return
        }
        switch sessions[index].channel.receive(message) {
        case .deliver:
            request(message, frame, index, now: now)
        case .absorbed:
            break
        case .reply(let reply):
            write(reply, to: index)
        case .agreed:
            handshakeCompleted(index)
        case .refused(let error, let reason):
            if write(error, to: index) { totals.errorsSent &+= 1 }
            close(index, .warning, "handshake failed: " + reason)
        }
    }

    /// Answers a message with OFPT_ERROR (see `OpenFlowChannel.rejection`).
    mutating func reject(_ frame: ArraySlice<UInt8>, _ code: ErrorCode?, _ index: Int, reason: String) {
        let header = Header(peeking: frame)
        log(.warning, sessions[index].name + ": rejected " + (header.type.specName ?? "type " + String(header.type.rawValue)) + ": " + reason)
        guard let error = OpenFlowChannel.rejection(of: frame, code) else { return }
        if write(error, to: index) { totals.errorsSent &+= 1 }
    }

    /// The peer's HELLO agreed: for the switch that completes the handshake.
    private mutating func handshakeCompleted(_ index: Int) {
        sessions[index].channel.handshakeCompleted()
        if case .active(let controller) = sessions[index].role, connectors.indices.contains(controller) {
            connectors[controller].backoff = settings.reconnectInitial
        }
        log(.info, sessions[index].name + " up (OpenFlow 1.0)")
        updateMode()
    }

    private mutating func request(_ message: OpenFlowMessage, _ frame: ArraySlice<UInt8>, _ index: Int, now: Instant) {
        let xid = message.xid
        switch message.message {
        case .hello, .echoRequest, .echoReply:
            break  // the channel's
        case .error(let error):
            totals.errorsReceived &+= 1
            log(.warning, sessions[index].name + ": error " + error.code.specName)
        case .vendor(let vendor):
            vendorRequest(vendor, frame, index)
        case .featuresRequest:
            write(OpenFlowMessage(xid: xid, .featuresReply(datapath.features)), to: index)
        case .getConfigRequest:
            write(OpenFlowMessage(xid: xid, .getConfigReply(datapath.config)), to: index)
        case .setConfig(let config):
            if sessions[index].controllerRole != .slave { datapath.setConfig(config) }
        case .packetOut(let packetOut):
            if refusedAsSlave(frame, index) { return }
            totals.packetOuts &+= 1
            do throws(DatapathError) { try datapath.packetOut(packetOut, now: now) } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .flowMod(let flowMod):
            if refusedAsSlave(frame, index) { return }
            totals.flowMods &+= 1
            do throws(DatapathError) { try datapath.flowMod(flowMod, now: now) } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .portMod(let portMod):
            if refusedAsSlave(frame, index) { return }
            do throws(DatapathError) { try datapath.portMod(portMod) } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .statsRequest(let stats):
            statsRequest(stats, xid: xid, frame, index, now: now)
        case .barrierRequest:
            // Every earlier message is done and its output queued.
            write(OpenFlowMessage(xid: xid, .barrierReply), to: index)
        case .queueGetConfigRequest(let request):
            do throws(DatapathError) {
                let reply = try datapath.queueConfig(port: request.port)
                write(OpenFlowMessage(xid: xid, .queueGetConfigReply(reply)), to: index)
            } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .featuresReply, .getConfigReply, .packetIn, .flowRemoved, .portStatus, .statsReply, .barrierReply,
            .queueGetConfigReply:
            reject(frame, .badType, index, reason: "a switch-to-controller message")
        }
    }
}
