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
        while sessions[index].phase != .closing {
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
        switch sessions[index].phase {
        case .awaitingHello: handshake(message, index)
        case .up: request(message, frame, index, now: now)
        case .closing: return
        }
    }

    /// Answers a message with OFPT_ERROR carrying its xid and first 64 bytes. An
    /// OFPT_ERROR is never answered with another, so two peers cannot loop.
    mutating func reject(_ frame: ArraySlice<UInt8>, _ code: ErrorCode?, _ index: Int, reason: String) {
        let header = Header(peeking: frame)
        log(.warning, sessions[index].name + ": rejected " + (header.type.specName ?? "type " + String(header.type.rawValue)) + ": " + reason)
        guard let code, header.type != .error else { return }
        if write(OpenFlowMessage(xid: header.xid, .error(ErrorMessage(code: code, answering: frame))), to: index) {
            totals.errorsSent &+= 1
        }
    }

    private mutating func handshake(_ message: OpenFlowMessage, _ index: Int) {
        let explanation: String
        switch message.message {
        case .hello(let hello):
            guard let refusal = hello.refusalOfVersion10(headerVersion: message.version) else {
                sessions[index].phase = .up
                if case .active(let controller) = sessions[index].role, connectors.indices.contains(controller) {
                    connectors[controller].backoff = settings.reconnectInitial
                }
                log(.info, sessions[index].name + " up (OpenFlow 1.0)")
                updateMode()
                return
            }
            explanation = refusal
        case .echoRequest(let echo):
            write(OpenFlowMessage(xid: message.xid, .echoReply(echo)), to: index)
            return
        default:
            explanation = "Expected OFPT_HELLO first, got " + (message.type.specName ?? "an unknown type") + "."
        }
        let error = ErrorMessage(code: .helloIncompatible, data: ArraySlice(explanation.utf8))
        if write(OpenFlowMessage(xid: message.xid, .error(error)), to: index) { totals.errorsSent &+= 1 }
        close(index, .warning, "handshake failed: " + explanation)
    }

    private mutating func request(_ message: OpenFlowMessage, _ frame: ArraySlice<UInt8>, _ index: Int, now: Instant) {
        let xid = message.xid
        switch message.message {
        case .hello, .echoReply:
            break
        case .echoRequest(let echo):
            write(OpenFlowMessage(xid: xid, .echoReply(echo)), to: index)
        case .error(let error):
            totals.errorsReceived &+= 1
            log(.warning, sessions[index].name + ": error " + error.code.specName)
        case .vendor:
            reject(frame, .badVendor, index, reason: "no vendor extensions")
        case .featuresRequest:
            write(OpenFlowMessage(xid: xid, .featuresReply(datapath.features)), to: index)
        case .getConfigRequest:
            write(OpenFlowMessage(xid: xid, .getConfigReply(datapath.config)), to: index)
        case .setConfig(let config):
            datapath.setConfig(config)
        case .packetOut(let packetOut):
            totals.packetOuts &+= 1
            do throws(DatapathError) { try datapath.packetOut(packetOut, now: now) } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .flowMod(let flowMod):
            totals.flowMods &+= 1
            do throws(DatapathError) { try datapath.flowMod(flowMod, now: now) } catch {
                reject(frame, error.code, index, reason: error.code.specName)
            }
        case .portMod(let portMod):
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
