import Foundation
import XCTest

@testable import CNNData

/// `DATASET:N` and the bundled data sets as a type: what `run --sample`, `open --sample` and the
/// feature-map screen's `{ }` keys all go through.
final class BundledDatasetTests: XCTestCase {
    private let files = SampleFiles(root: AssetTests.assets.path)

    func testSampleIDsReadAndPrintAsDatasetColonIndex() throws {
        let id = try SampleID(parsing: "cifar100:17")
        XCTAssertEqual(id, SampleID(.cifar100, 17))
        XCTAssertEqual(id.description, "cifar100:17")
        XCTAssertEqual(try SampleID(parsing: "mnist:0").dataset, .mnist)
    }

    func testMalformedSampleIDsSayWhatASampleIs() {
        for spec in ["mnist", "mnist:", ":3", "fashion:1", "mnist:-1", "mnist:x", "mnist:1:2", "MNIST:1"] {
            XCTAssertThrowsError(try SampleID(parsing: spec), spec) { error in
                XCTAssertEqual("\(error)", "\(spec): a sample is DATASET:N with DATASET one of mnist, cifar10, cifar100, imagenet and N from 0")
            }
        }
    }

    func testAnUnknownDataSetNameListsTheBundledOnes() {
        XCTAssertEqual(try BundledDataset.named("cifar10"), .cifar10)
        XCTAssertThrowsError(try BundledDataset.named("svhn")) { error in
            XCTAssertEqual("\(error)", "svhn: no such bundled data set; the data sets are mnist, cifar10, cifar100, imagenet")
        }
    }

    func testTheDataSetSuitedToAnInputFollowsItsChannelsAndSize() {
        XCTAssertEqual(BundledDataset.suited(channels: 1, height: 32, width: 32), .mnist)  // LeNet-5
        XCTAssertEqual(BundledDataset.suited(channels: 3, height: 32, width: 32), .cifar10)
        XCTAssertEqual(BundledDataset.suited(channels: 3, height: 64, width: 64), .cifar10)
        XCTAssertEqual(BundledDataset.suited(channels: 3, height: 65, width: 32), .imagenet)
        XCTAssertEqual(BundledDataset.suited(channels: 3, height: 224, width: 224), .imagenet)
    }

    func testEachDataSetsFilesSitInItsOwnFolder() throws {
        XCTAssertEqual(try files.images(.mnist).count, 1_000)
        XCTAssertEqual(try files.images(.cifar10).count, try files.images(.cifar100).count)
        XCTAssertEqual(try files.images(.imagenet).count, 20)
        XCTAssertEqual(files.folder(.cifar10), AssetTests.assets.path + "/cifar10")
        XCTAssertEqual(BundledDataset.allCases.map(\.displayName), ["MNIST", "CIFAR-10", "CIFAR-100", "ImageNet"])
    }

    func testClassNamesComeFromTheFilesThatShipThem() throws {
        let cifar10 = try XCTUnwrap(files.classNames(.cifar10))
        XCTAssertEqual(cifar10.count, 10)
        XCTAssertEqual(cifar10.first, "airplane")
        XCTAssertEqual(cifar10.last, "truck")
        let cifar100 = try XCTUnwrap(files.classNames(.cifar100))
        XCTAssertEqual(cifar100.count, 100)
        XCTAssertEqual(cifar100.first, "apple")
        XCTAssertNil(files.classNames(.mnist))
        XCTAssertNil(SampleFiles(root: "/nonexistent").classNames(.cifar100))
    }
}
