/// Errors of the byte layer: a view over too few bytes, or a full output buffer.
public enum WireError: Error, Equatable, Sendable {
    /// The bytes end before the header or field being read.
    case truncated
    /// A length or offset field points outside the bytes it describes.
    case badLength
    /// The output buffer cannot hold what is being written.
    case bufferTooSmall
}
