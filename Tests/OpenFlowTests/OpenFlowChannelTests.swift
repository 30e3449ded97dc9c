import OpenFlow
import Scheduler
import Testing

@Suite struct OpenFlowChannelTests {
    private let timing = ChannelTiming(handshakeTimeout: .seconds(10), echoInterval: .seconds(5), echoTimeout: .seconds(15))
    private let start = Instant(nanoseconds: 1_000_000_000)

    private func at(_ seconds: UInt64) -> Instant { start + .seconds(seconds) }

    private func openChannel() -> OpenFlowChannel { OpenFlowChannel(now: start, timing: timing) }

    private func upChannel() -> OpenFlowChannel {
        var channel = openChannel()
        _ = channel.receive(OpenFlowMessage(xid: 1, .hello(Hello())))
        channel.handshakeCompleted()
        return channel
    }

    @Test func helloIsTheFirstMessage() throws {
        let hello = OpenFlowChannel.hello(xid: 7)
        #expect(try hello.encoded() == [1, 0, 0, 8, 0, 0, 0, 7])
    }

    @Test func anAgreeingHelloStartsTheOwnersHandshake() {
        var channel = openChannel()
        guard case .agreed = channel.receive(OpenFlowMessage(version: 4, xid: 1, .hello(Hello()))) else {
            Issue.record("expected agreement")
            return
        }
        #expect(channel.phase == .handshaking)
        channel.handshakeCompleted()
        #expect(channel.phase == .up)
    }

    @Test func anOldVersionIsRefusedWithHelloFailed() {
        var channel = openChannel()
        guard case .refused(let error, let reason) = channel.receive(OpenFlowMessage(version: 0, xid: 9, .hello(Hello()))),
            case .error(let body) = error.message
        else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.xid == 9)
        #expect(body.code == .helloIncompatible)
        #expect(Array(body.data) == Array(reason.utf8))
        #expect(reason.contains("version 0"))
    }

    @Test func anythingButHelloOrEchoFirstFailsTheHandshake() {
        var channel = openChannel()
        guard case .refused(_, let reason) = channel.receive(OpenFlowMessage(xid: 2, .featuresRequest)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason == "Expected OFPT_HELLO first, got OFPT_FEATURES_REQUEST.")
        #expect(channel.phase == .awaitingHello)  // the owner closes
    }

    @Test func echoRequestsAreAnsweredInEveryPhase() {
        for var channel in [openChannel(), upChannel()] {
            let request = OpenFlowMessage(xid: 5, .echoRequest(Echo(payload: [1, 2, 3])))
            guard case .reply(let reply) = channel.receive(request), case .echoReply(let echo) = reply.message else {
                Issue.record("expected an echo reply")
                continue
            }
            #expect(reply.xid == 5)
            #expect(Array(echo.payload) == [1, 2, 3])
        }
    }

    @Test func afterHelloTheChannelsMessagesAreAbsorbedAndTheRestDelivered() {
        var channel = upChannel()
        guard case .absorbed = channel.receive(OpenFlowMessage(xid: 3, .hello(Hello()))),
            case .absorbed = channel.receive(OpenFlowMessage(xid: 4, .echoReply(Echo()))),
            case .deliver = channel.receive(OpenFlowMessage(xid: 5, .barrierRequest))
        else {
            Issue.record("unexpected decision")
            return
        }
        #expect(channel.phase == .up)
    }

    @Test func theHandshakeTimesOutUntilTheOwnerCompletesIt() {
        var channel = openChannel()
        #expect(channel.nextDeadline == at(10))
        let tick1 = channel.tick(now: at(9))
        #expect(tick1 == .none)
        _ = channel.receive(OpenFlowMessage(xid: 1, .hello(Hello())))
        #expect(channel.nextDeadline == at(10))  // still handshaking
        let tick2 = channel.tick(now: at(10))
        #expect(tick2 == .handshakeTimedOut)
    }

    @Test func silenceBringsOneEchoPerIntervalThenTheTimeout() {
        var channel = upChannel()
        #expect(channel.nextDeadline == at(5))
        let tick3 = channel.tick(now: at(4))
        #expect(tick3 == .none)
        let tick4 = channel.tick(now: at(5))
        #expect(tick4 == .sendEchoRequest)
        let tick5 = channel.tick(now: at(6))
        #expect(tick5 == .none)
        #expect(channel.nextDeadline == at(10))
        let tick6 = channel.tick(now: at(10))
        #expect(tick6 == .sendEchoRequest)
        let tick7 = channel.tick(now: at(15))
        #expect(tick7 == .peerSilent(.seconds(15)))
    }

    @Test func inputResetsTheKeepalive() {
        var channel = upChannel()
        channel.inputArrived(now: at(4))
        #expect(channel.nextDeadline == at(9))
        let tick8 = channel.tick(now: at(8))
        #expect(tick8 == .none)
        let tick9 = channel.tick(now: at(19))
        #expect(tick9 == .peerSilent(.seconds(15)))
    }

    @Test func closingIsDecidedOnceAndStopsTheTimers() {
        var channel = upChannel()
        let first = channel.close()
        let second = channel.close()
        #expect(first && !second)
        #expect(channel.isClosing)
        #expect(channel.nextDeadline == nil)
        let tick10 = channel.tick(now: at(100))
        #expect(tick10 == .none)
    }

    @Test func rejectionAnswersWithTheFramesXIDAndNeverAnswersAnError() throws {
        let frame = ArraySlice(try OpenFlowMessage(xid: 42, .barrierReply).encoded())
        let rejection = try #require(OpenFlowChannel.rejection(of: frame, .badType))
        guard case .error(let error) = rejection.message else {
            Issue.record("expected an error")
            return
        }
        #expect(rejection.xid == 42)
        #expect(error.code == .badType)
        #expect(Array(error.data) == Array(frame))
        #expect(OpenFlowChannel.rejection(of: frame, nil) == nil)
        let errorFrame = ArraySlice(try OpenFlowMessage(xid: 43, .error(ErrorMessage(code: .badType))).encoded())
        #expect(OpenFlowChannel.rejection(of: errorFrame, .badType) == nil)
    }
}
