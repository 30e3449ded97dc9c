/// The device protocols and `FrameBatch` are part of what this platform offers: a user
/// of `LinuxPlatform` gets them without a second import.
@_exported import Devices
