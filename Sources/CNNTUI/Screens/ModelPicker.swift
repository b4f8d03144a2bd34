import CNNModel
import CNNZoo

/// The zoo as a filterable list (`m`): typing filters by name, title or year; Enter opens. A
/// path that matches no zoo model (`~/nets/my.onnx`, `naive.cnn`) opens that file.
public struct ModelPicker: Sendable {
    public struct Entry: Sendable {
        public let model: ZooModel
        public let params: Int?
        public let macs: Int?
    }

    /// Every zoo model with its headline numbers, computed once.
    public static let catalogue: [Entry] = Zoo.all.map { model in
        let analysis = try? model.analysis()
        return Entry(model: model, params: analysis?.trainableParams, macs: analysis?.macs)
    }

    public private(set) var filter = ""
    public private(set) var selected = 0

    public init(selecting name: String? = nil) {
        if let name, let index = Self.catalogue.firstIndex(where: { $0.model.name == name }) {
            selected = index
        }
    }

    public var entries: [Entry] {
        let q = filter.lowercased()
        guard !q.isEmpty else { return Self.catalogue }
        return Self.catalogue.filter {
            $0.model.name.contains(q) || $0.model.title.lowercased().contains(q) || String($0.model.year).contains(q)
        }
    }

    public var chosen: ZooModel? {
        let list = entries
        return list.indices.contains(selected) ? list[selected].model : nil
    }

    public mutating func handle(_ key: Key) {
        let count = entries.count
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(count - 1, 0), selected + 1)
        case .pageUp: selected = max(0, selected - 10)
        case .pageDown: selected = min(max(count - 1, 0), selected + 10)
        case .home: selected = 0
        case .end: selected = max(count - 1, 0)
        case .backspace:
            if !filter.isEmpty {
                filter.removeLast()
                selected = 0
            }
        case .character(let c):
            filter.append(c)
            selected = 0
        default: break
        }
    }
}
