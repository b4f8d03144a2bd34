import CNNZoo

@testable import CNNTUI

/// What the screen tests do over and over: open a zoo model at a terminal size, and type.
extension AppState {
    /// The zoo model `model` on the graph screen of a `width` x `height` terminal (colours on
    /// unless `ascii`: then plain ASCII glyphs).
    static func testing(_ model: String, _ width: Int = 120, _ height: Int = 40, ascii: Bool = false) throws -> AppState {
        guard let zoo = Zoo.model(named: model) else { throw TestingError.unknownModel(model) }
        return try AppState(model: zoo, theme: Theme(ascii: ascii), size: (width, height))
    }

    /// Each character of `text` as a key press.
    mutating func type(_ text: String) {
        for ch in text { handle(.character(ch)) }
    }

    enum TestingError: Error { case unknownModel(String) }
}
