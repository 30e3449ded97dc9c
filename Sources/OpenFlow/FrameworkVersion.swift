/// The framework's release, which every tool prints for `--version`.
public enum FrameworkVersion {
    public static let string = "0.3.0"
}
