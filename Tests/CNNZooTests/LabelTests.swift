import CNNModel
import Foundation
import XCTest

@testable import CNNZoo

final class LabelTests: XCTestCase {
    func testClassifiersNameTheirClasses() throws {
        XCTAssertEqual(LabelSet.imagenet.names.count, 1000)
        XCTAssertEqual(LabelSet.imagenet.names[0], "tench")
        XCTAssertEqual(LabelSet.imagenet.names[999], "toilet tissue")
        for model in Zoo.all {
            guard let labels = model.labels else { continue }
            let a = try model.analysis()
            XCTAssertEqual(a.layers.last!.outputShape.elementCount, labels.names.count, "\(model.name) outputs one value per \(labels.name) class")
        }
        XCTAssertEqual(Zoo.model(named: "lenet5")?.labels?.name, "MNIST digits")
        XCTAssertEqual(Zoo.model(named: "nin")?.labels?.name, "CIFAR-10")
        XCTAssertEqual(Zoo.all.filter { $0.labels?.name == "ImageNet-1k" }.count, 23)
    }
}
