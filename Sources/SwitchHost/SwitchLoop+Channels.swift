import Glibc
import LinuxPlatform
import Scheduler
import Switch

/// OpenFlow connections: connecting to controllers, accepting service connections,
/// reading, writing and closing.
extension SwitchLoop {
    /// Starts every connection the agent asks for now.
    func startConnects() {
        let now = platform.now()
        while let index = agent.nextConnectAttempt(now: now) {
            let endpoint = controllers[index]
            let stream: any ByteStream
            do throws(StreamError) {
                stream = try connectStream(endpoint)
            } catch {
                reportConnectFailure(index, error.description)
                agent.connectFailed(controller: index, now: now)
                continue
            }
            guard let slot = open(stream, controller: index) else {
                agent.connectFailed(controller: index, now: now)
                continue
            }
            if stream.isConnecting {
                let id = channels[slot]!.id
                loop.schedule(at: now + options.connectTimeout) { [unowned self] in
                    guard let slot = self.slot(of: id), channels[slot]!.connecting else { return }
                    connectFailed(slot, reason: "no answer in time")
                    afterTurn()
                }
            } else {
                connected(slot)
            }
        }
    }

    func acceptReady() {
        guard let listener else { return }
        do throws(SocketError) {
            try listener.acceptAll(limit: 64) { socket in
                if let slot = open(KernelStream(socket, platform: platform), controller: nil) {
                    agent.connectionOpened(channels[slot]!.id, role: .passive, now: platform.now())
                }
            }
        } catch {
            logger.warning("accept: \(error.description)")
        }
    }

    /// Watches a new stream in a free slot; nil (stream closed) when it cannot be watched.
    private func open(_ stream: any ByteStream, controller: Int?) -> Int? {
        let slot = newChannelSlot()
        let token = Self.firstChannelToken + UInt64(slot)
        let connecting = stream.isConnecting
        do throws(StreamError) {
            try stream.watch(token: token, readable: !connecting, writable: connecting)
        } catch {
            logger.warning("cannot watch a connection: \(error.description)")
            stream.close()
            releaseChannelSlot(slot)
            return nil
        }
        channels[slot] = Channel(
            stream: stream, id: newChannelID(slot: slot), controller: controller, connecting: connecting,
            watchingReadable: !connecting, watchingWritable: connecting)
        loop.register(token: token) { [unowned self] ready in channelReady(slot, ready) }
        return slot
    }

    private func channelReady(_ slot: Int, _ ready: Readiness) {
        guard let channel = channels[slot] else { return }
        if channel.connecting {
            guard ready.writable || ready.closed else { return }
            do throws(StreamError) { try channel.stream.finishConnect() } catch {
                connectFailed(slot, reason: error.description)
                return
            }
            guard !channel.stream.isConnecting else { return }
            connected(slot)
            flush(slot)
            return
        }
        if ready.readable || ready.closed {
            if agent.wantsInput(channel.id) {
                readBatch(slot, channel)
            } else if ready.closed {
                flush(slot)
            }
        }
    }

    /// The TCP connection to a controller is up: the agent takes it from here.
    private func connected(_ slot: Int) {
        guard let index = channels[slot]!.controller else { return }
        channels[slot]!.connecting = false
        logger.info("connected to \(controllers[index])")
        connectFailures[index] = nil
        agent.connectionOpened(channels[slot]!.id, role: .active(controller: index), now: platform.now())
    }

    private func connectFailed(_ slot: Int, reason: String) {
        guard let channel = channels[slot], let index = channel.controller else { return }
        reportConnectFailure(index, reason)
        forget(slot)
        agent.connectFailed(controller: index, now: platform.now())
    }

    /// Says why controller `index` cannot be reached the first time, and whenever the
    /// reason changes; the agent keeps retrying with its backoff (a name may start to
    /// resolve, a controller may start listening).
    private func reportConnectFailure(_ index: Int, _ reason: String) {
        if connectFailures[index] == reason {
            logger.debug("\(controllers[index]): \(reason)")
        } else {
            logger.warning("controller \(controllers[index]): \(reason); retrying with backoff")
            connectFailures[index] = reason
        }
    }

    /// Reads until the socket is empty, the budget is spent, or the agent's output for
    /// this connection is backed up; frames that PACKET_OUTs produce go out at once.
    private func readBatch(_ slot: Int, _ channel: Channel) {
        let id = channel.id
        var total = 0
        while total < options.readBudget, agent.wantsInput(id) {
            let result: StreamRead
            do throws(StreamError) {
                result = try channel.stream.read(into: scratch)
            } catch {
                closeChannel(slot, flushing: false, reason: error.description)
                return
            }
            switch result {
            case .bytes(let count):
                agent.receive(id, UnsafeRawBufferPointer(rebasing: scratch[..<count]), now: platform.now())
                sendTransmissions()
                flushOutgoing()
                total += count
                if count < scratch.count { return }
            case .wouldBlock:
                return
            case .closed:
                closeChannel(slot, flushing: true, reason: nil)
                return
            }
        }
    }

    /// Writes the connection's pending output once and watches it for what it needs next.
    @discardableResult
    func flush(_ slot: Int) -> Bool {
        guard let channel = channels[slot], !channel.connecting else { return true }
        var pending = agent.outputCount(channel.id)
        if pending > 0 {
            do throws(StreamError) {
                try agent.withOutput(channel.id) { (bytes) throws(StreamError) -> Int in try channel.stream.write(from: bytes) }
            } catch {
                closeChannel(slot, flushing: false, reason: error.description)
                return false
            }
            pending = agent.outputCount(channel.id)
        }
        let readable = agent.wantsInput(channel.id)
        let writable = pending > 0
        guard readable != channel.watchingReadable || writable != channel.watchingWritable else { return true }
        do throws(StreamError) {
            try channel.stream.watch(token: Self.firstChannelToken + UInt64(slot), readable: readable, writable: writable)
        } catch {
            closeChannel(slot, flushing: false, reason: error.description)
            return false
        }
        channels[slot]!.watchingReadable = readable
        channels[slot]!.watchingWritable = writable
        return true
    }

    /// Closes a connection the agent knows, flushing first if asked, and tells the agent.
    func closeChannel(_ slot: Int, flushing: Bool, reason: String?) {
        guard let channel = channels[slot] else { return }
        if flushing, agent.outputCount(channel.id) > 0 {
            let stream = channel.stream
            try? agent.withOutput(channel.id) { (bytes) throws(StreamError) -> Int in try stream.write(from: bytes) }
        }
        let name = channel.controller.map { controllers[$0].description } ?? "service connection"
        if let reason { logger.info("\(name): \(reason)") }
        forget(slot)
        agent.connectionClosed(channel.id, now: platform.now())
    }

    /// Stops watching a slot's stream, closes it and frees the slot.
    private func forget(_ slot: Int) {
        guard let channel = channels[slot] else { return }
        loop.deregister(token: Self.firstChannelToken + UInt64(slot))
        channel.stream.close()
        releaseChannelSlot(slot)
    }
}
