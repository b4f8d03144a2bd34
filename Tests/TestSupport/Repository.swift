import Foundation

/// Where the tests find the repository's files, wherever the checkout is: the root, the
/// bundled `Assets/`, the committed fixtures under `Tests/Fixtures/`.
public enum Repository {
    /// The checkout's root folder (this file is `Tests/TestSupport/Repository.swift`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Assets/`: the bundled samples and shipped weights.
    public static var assets: URL { root.appendingPathComponent("Assets") }

    /// A file or folder under `Tests/Fixtures/` (`fixture("engine")`, `fixture("png/gray.png")`).
    public static func fixture(_ relative: String) -> URL {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }
}
