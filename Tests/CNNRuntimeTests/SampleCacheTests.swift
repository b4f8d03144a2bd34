import CNNData
import CNNZoo
import XCTest

@testable import CNNRuntime

/// The bundled samples read once and kept, each with its true class and that class's name.
final class SampleCacheTests: XCTestCase {
    private let cache = SampleCache(files: SampleFiles(root: ShippedWeightsTests.assets))

    func testASampleCarriesItsIDLabelAndClassName() throws {
        let digit = try cache.sample(SampleID(.mnist, 0))
        XCTAssertEqual(digit.name, "mnist:0")
        XCTAssertEqual(digit.id, SampleID(.mnist, 0))
        XCTAssertEqual(digit.label, 6)  // the bundled test digits' label file starts 6, 7, 0, 5
        XCTAssertEqual(digit.className, "6")
        let photo = try cache.sample(SampleID(.imagenet, 0))  // 00_243.png
        XCTAssertEqual(photo.label, 243)
        XCTAssertEqual(photo.className, LabelSet.imagenet.names[243])
    }

    func testCIFAR100NamesItsFineClassesFromItsOwnFile() throws {
        let sample = try cache.sample(SampleID(.cifar100, 0))
        let label = try XCTUnwrap(sample.label)
        XCTAssertEqual(sample.className, cache.files.classNames(.cifar100)?[label])
        XCTAssertNil(BundledDataset.cifar100.labelSet)  // no zoo model classifies them
    }

    /// The zoo's CIFAR-10 label set and the data set's own `batches.meta.txt` name the same
    /// classes in the same order, so a CIFAR-10 sample's class is the model's class.
    func testTheZoosCIFAR10ClassesAreTheDataSetsOwn() {
        XCTAssertEqual(cache.files.classNames(.cifar10), LabelSet.cifar10.names)
        XCTAssertEqual(BundledDataset.mnist.labelSet?.name, LabelSet.digits.name)
    }

    func testASampleOutsideTheDataSetSaysHowManyThereAre() {
        XCTAssertThrowsError(try cache.sample(SampleID(.imagenet, 20))) { error in
            XCTAssertEqual("\(error)", "imagenet:20: imagenet has 20 samples (0-19)")
        }
        XCTAssertEqual(cache.count(.imagenet), 20)
        XCTAssertEqual(SampleCache(files: SampleFiles(root: "/nonexistent")).count(.mnist), 0)
    }

    /// Only a sample whose data set counts the model's classes has a true class to compare with:
    /// a CIFAR-10 "ship" (8) is not LeNet-5's digit 8.
    func testATrueClassCountsOnlyForTheSameLabelSet() throws {
        let ship = try cache.sample(SampleID(.cifar10, 1))
        XCTAssertNotNil(ship.label(in: .cifar10))
        XCTAssertNil(ship.label(in: .digits))
        XCTAssertNil(Sample(image: ship.image, name: "ship.png", label: 8).label(in: .cifar10))
    }
}
